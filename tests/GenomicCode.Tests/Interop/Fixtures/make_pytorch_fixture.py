# Writes pytorch_state_dict.pt, a fixture for the PyTorch interop tests, with PyTorch's own torch.save.
# Run with Debian's PyTorch: /usr/bin/python3 make_pytorch_fixture.py (torch 1.13.1 wrote the committed file).
from collections import OrderedDict
import torch

state = OrderedDict()
state["layer.weight"] = torch.tensor([[1.0, -2.0, 3.5], [0.25, 0.0, -1.0]], dtype=torch.float32)
state["layer.bias"] = torch.tensor([0.5, -0.5], dtype=torch.float32)
state["steps"] = torch.tensor([7, 11, 13], dtype=torch.int64)
torch.save(state, "pytorch_state_dict.pt")
print("wrote pytorch_state_dict.pt with torch", torch.__version__)
