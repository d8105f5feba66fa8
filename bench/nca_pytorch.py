"""Eager PyTorch version of the GenomicCode development benchmark (bench/README.md), for side-by-side timing.

Run: MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=67108864 \
     /usr/bin/python3 bench/nca_pytorch.py --decoder nca --threads 2
"""
import argparse, json, math, resource, statistics, time
import torch
import torch.nn.functional as F


def perception_kernel(c):
    ident = torch.tensor([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=torch.float32)
    sx = torch.tensor([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=torch.float32) / 8
    sy = sx.t()
    return torch.stack([ident, sx, sy]).repeat(c, 1, 1).unsqueeze(1)  # (3C, 1, 3, 3)


START = "seed"


def start_mask(grid):
    """1 at the seed cell (--start seed) or everywhere (--start full)."""
    if START == "full":
        return torch.ones(1, 1, grid, grid)
    centre = torch.zeros(1, 1, grid, grid)
    centre[0, 0, grid // 2, grid // 2] = 1
    return centre


class Nca(torch.nn.Module):
    def __init__(self, genome, c, hidden):
        super().__init__()
        self.c = c
        self.register_buffer("kernel", perception_kernel(c))
        self.hidden = torch.nn.Conv2d(3 * c, hidden, 1)
        self.update = torch.nn.Conv2d(hidden, c, 1, bias=False)
        torch.nn.init.zeros_(self.update.weight)
        self.seed = torch.nn.Linear(genome, c - 2)
        self.gain = torch.nn.Parameter(torch.ones(1, 1, 1, 1))
        self.bias = torch.nn.Parameter(torch.full((1, 1, 1, 1), -3.0))

    def forward(self, g, steps, fire_rate, gen, grid):
        b = g.shape[0]
        cell = torch.cat([torch.zeros(b, 1), torch.ones(b, 1), self.seed(g)], 1)
        centre = start_mask(grid)
        x = cell.view(b, self.c, 1, 1) * centre
        for _ in range(steps):
            pre = F.max_pool2d(x[:, 1:2], 3, 1, 1) > 0.1
            p = F.conv2d(x, self.kernel, padding=1, groups=self.c)
            dx = self.update(F.relu(self.hidden(p)))
            fire = torch.rand(b, 1, grid, grid, generator=gen) < fire_rate
            x = x + dx * fire
            post = F.max_pool2d(x[:, 1:2], 3, 1, 1) > 0.1
            x = x * (pre & post)
        return torch.addcmul(self.bias, x[:, 0:1], self.gain)


class Grn(torch.nn.Module):
    def __init__(self, genome, n, m, hidden):
        super().__init__()
        self.n, self.m = n, m
        self.h1 = torch.nn.Linear(genome, hidden)
        self.h2 = torch.nn.Linear(hidden, n * (n + 3 * m) + n)
        self.maternal = torch.nn.Linear(genome, n - 2)
        with torch.no_grad():
            self.h2.weight.mul_(0.1)
        self.w0 = torch.nn.Parameter(torch.randn(n, n + 3 * m) / math.sqrt(n + 3 * m))
        b0 = torch.zeros(n)
        b0[1] = 2
        self.b0 = torch.nn.Parameter(b0)
        k = torch.full((3, 3), 1 / 8.0)
        k[1, 1] = 0
        sobel = perception_kernel(1)[1:3, 0]
        self.register_buffer("diffusion", torch.cat([k.view(1, 3, 3), sobel]).unsqueeze(1).repeat(m, 1, 1, 1))
        self.gain = torch.nn.Parameter(torch.full((1, 1, 1, 1), 3.0))
        self.bias = torch.nn.Parameter(torch.full((1, 1, 1, 1), -3.0))

    def forward(self, g, steps, fire_rate, gen, grid):
        b, n, m = g.shape[0], self.n, self.m
        flat = self.h2(torch.tanh(self.h1(g)))
        k = n + 3 * m
        w = flat[:, : n * k].view(b, n, k) + self.w0
        bias = (flat[:, n * k:] + self.b0).view(b, n, 1)
        zygote = torch.cat([torch.zeros(b, 1), torch.ones(b, 1), torch.tanh(self.maternal(g))], 1)
        centre = start_mask(grid)
        x = zygote.view(b, n, 1, 1) * centre
        for _ in range(steps):
            pre = F.max_pool2d(x[:, 1:2], 3, 1, 1) > 0.1
            s = F.conv2d(x[:, :m], self.diffusion, padding=1, groups=m)
            inp = torch.cat([x, s], 1).view(b, k, grid * grid)
            drive = torch.baddbmm(bias, w, inp).view(b, n, grid, grid)
            x = torch.lerp(x, torch.tanh(drive), 0.2)
            post = F.max_pool2d(x[:, 1:2], 3, 1, 1) > 0.1
            x = x * (pre & post)
        return torch.addcmul(self.bias, x[:, 0:1], self.gain)


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--decoder", default="nca")
    a.add_argument("--batch", type=int, default=32)
    a.add_argument("--grid", type=int, default=32)
    a.add_argument("--channels", type=int, default=16)
    a.add_argument("--steps", type=int, default=48)
    a.add_argument("--iterations", type=int, default=20)
    a.add_argument("--warmup", type=int, default=3)
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--start", choices=["seed", "full"], default="seed")
    a.add_argument("--json")
    o = a.parse_args()
    global START
    START = o.start
    torch.set_num_threads(o.threads)
    torch.manual_seed(0)
    genome, hidden, fire = 16, 128, 0.5
    model = Nca(genome, o.channels, hidden) if o.decoder == "nca" else Grn(genome, o.channels, 4, hidden)
    g = torch.randn(o.batch, genome)
    r = torch.arange(o.grid, dtype=torch.float32) - o.grid // 2
    target = ((r.view(-1, 1) ** 2 + r.view(1, -1) ** 2) <= o.grid * o.grid / 16.0).float().expand(o.batch, 1, o.grid, o.grid).contiguous()
    gen = torch.Generator().manual_seed(1)
    fwd, fwd_cpu = [], []
    with torch.no_grad():
        for i in range(o.warmup + o.iterations):
            t, c = time.perf_counter(), time.process_time()
            model(g, o.steps, fire, gen, o.grid).sum().item()
            if i >= o.warmup:
                fwd.append(time.perf_counter() - t)
                fwd_cpu.append(time.process_time() - c)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    tr, tr_cpu = [], []
    for i in range(o.warmup + o.iterations):
        t, c = time.perf_counter(), time.process_time()
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(g, o.steps, fire, gen, o.grid), target)
        loss.backward()
        opt.step()
        last = loss.item()
        if i >= o.warmup:
            tr.append(time.perf_counter() - t)
            tr_cpu.append(time.process_time() - c)
    n = o.batch * o.steps
    res = {
        "workload": vars(o) | {"fire_rate": fire, "genome_size": genome, "hidden_size": hidden},
        "forward_organism_steps_per_second": n / statistics.median(fwd),
        "forward_seconds_median": statistics.median(fwd),
        "train_organism_steps_per_second": n / statistics.median(tr),
        "train_step_seconds_median": statistics.median(tr),
        "train_step_cpu_seconds_median": statistics.median(tr_cpu),
        "forward_cpu_seconds_median": statistics.median(fwd_cpu),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "threads": torch.get_num_threads(),
        "device": "cpu",
        "final_loss": last,
        "torch": torch.__version__,
    }
    s = json.dumps(res, indent=2)
    print(s)
    if o.json:
        open(o.json, "w").write(s + "\n")


if __name__ == "__main__":
    main()
