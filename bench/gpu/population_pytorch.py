"""Eager PyTorch peer of `genomic-code bench develop --population` (bench/README.md, "Population development").

P individuals, each with its own NCA (or GRN) weights, develop K shared genomes in one batched computation: the state
is (P K, C, G, G); perception and alive masks run on the whole batch; each individual's per-cell network runs as
batched matrix products over the population (torch.bmm). Common random numbers: one fire mask (K, 1, G, G) per step,
shared by every individual. Dense by default (every cell passes the network, as Growing NCA's reference code);
--sparse gathers the cells that fire next to a living cell per individual, padded to the largest count, as
GenomicCode's NcaPopulation does. Writes the same JSON schema (label, workload, points) so `genomic-code bench plot`
draws both.

CPU:  MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=67108864 OMP_WAIT_POLICY=PASSIVE \
      /usr/bin/python3 bench/gpu/population_pytorch.py --population 32 --threads 2
GPU:  python3 bench/gpu/population_pytorch.py --device cuda --population 32,256,1024,4096
"""
import argparse, json, math, os, resource, statistics, time
import numpy as np
import torch
import torch.nn.functional as F


def perception_kernel(c, device):
    ident = torch.tensor([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=torch.float32)
    sx = torch.tensor([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=torch.float32) / 8
    sy = sx.t()
    return torch.stack([ident, sx, sy]).repeat(c, 1, 1).unsqueeze(1).to(device)  # (3C, 1, 3, 3)


def diffusion_kernel(m, device):
    mean = torch.full((3, 3), 1 / 8.0)
    mean[1, 1] = 0
    sobel = perception_kernel(1, "cpu")[1:3, 0]
    return torch.cat([mean.view(1, 3, 3), sobel]).unsqueeze(1).repeat(m, 1, 1, 1).to(device)  # (3M, 1, 3, 3)


MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix(z):
    """SplitMix64's finaliser on numpy uint64 arrays (GenomicCode.Core.Seeds.Mix)."""
    z = z + np.uint64(GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def derive(seed, *streams):
    """GenomicCode.Core.Seeds.Derive."""
    with np.errstate(over="ignore"):
        x = mix(np.uint64(seed & MASK))
        for s in streams:
            x = mix(x ^ mix(np.uint64((s + GOLDEN) & MASK)))
    return x


class Stream:
    """GenomicCode.Gpu.InitialWeights' stream: uniform [0, 1) numbers with 24 bits from SplitMix64 on (seed, index)."""

    def __init__(self, seed, index):
        self.start, self.position = derive(seed, index), 0

    def next(self, n):
        with np.errstate(over="ignore"):
            pos = np.arange(self.position, self.position + n, dtype=np.uint64)
            v = mix(self.start + pos * np.uint64(GOLDEN)) >> np.uint64(40)
        self.position += n
        return v.astype(np.float64) / float(1 << 24)

    def uniform(self, n, fan_in):
        return ((2.0 * self.next(n) - 1.0) * (1.0 / math.sqrt(fan_in))).astype(np.float32)


def gc_weights(p, sizes):
    """Rows of GenomicCode's InitialWeights: for each individual, the segments [(count, fan_in, scale)] in stream order."""
    rows = []
    for i in range(p):
        st = Stream(SEED, i)
        rows.append(np.concatenate([st.uniform(n, fan) * np.float32(scale) for n, fan, scale in sizes]))
    return torch.from_numpy(np.stack(rows))


def gc_genomes(k, width, seed):
    st = Stream(seed, -1)
    u = st.next(2 * k * width).reshape(-1, 2)
    g = np.sqrt(-2.0 * np.log(1.0 - u[:, 0])) * np.cos(2.0 * math.pi * u[:, 1])
    return torch.from_numpy(g.astype(np.float32)).view(k, width)


SEED = 0


def gc_fire_masks(seed, steps, k, g, rate):
    """GenomicCode.Gpu.PopulationDraws.Managed's fire masks (steps, K, 1, G, G): u(2 i) < rate for the i-th value."""
    with np.errstate(over="ignore"):
        i = np.arange(steps * k * g * g, dtype=np.uint64)
        u = (mix(np.uint64(seed) + (np.uint64(2) * i) * np.uint64(GOLDEN)) >> np.uint64(40)).astype(np.float64) / float(1 << 24)
    return torch.from_numpy((u < rate).astype(np.float32)).view(steps, k, 1, g, g)


def uniform(p, shape, fan_in, gen, device):
    bound = 1.0 / math.sqrt(fan_in)
    return (torch.rand((p,) + tuple(shape), generator=gen, device=device) * 2 - 1) * bound


def start_grid(cells, g, full):
    """(B, C) cell values -> (B, C, G, G): at the centre cell, or everywhere with a full start."""
    b, c = cells.shape
    mask = torch.zeros(1, 1, g, g, device=cells.device)
    if full:
        mask.fill_(1)
    else:
        mask[0, 0, g // 2, g // 2] = 1
    return cells.view(b, c, 1, 1) * mask


class NcaPopulation:
    """The NCA of bench/README.md with a leading population dimension on every parameter."""

    def __init__(self, p, genome, c, hidden, gen, device, same_weights):
        self.c, self.h = c, hidden
        if same_weights:  # GenomicCode's InitialWeights, value for value: the stream fills the row after gain and bias
            w = gc_weights(p, [(hidden * 3 * c, 3 * c, 1), (hidden, 3 * c, 1), (c * hidden, hidden, 1), ((c - 2) * genome, genome, 1), (c - 2, genome, 1)]).to(device)
            sizes = [hidden * 3 * c, hidden, c * hidden, (c - 2) * genome, c - 2]
            w1, b1, w2, ws, bs = torch.split(w, sizes, dim=1)
            self.w1, self.b1 = w1.reshape(p, hidden, 3 * c), b1.reshape(p, hidden)
            self.w2, self.ws, self.bs = w2.reshape(p, c, hidden), ws.reshape(p, c - 2, genome), bs.reshape(p, c - 2)
        else:
            self.w1 = uniform(p, (hidden, 3 * c), 3 * c, gen, device)       # hidden.weight
            self.b1 = uniform(p, (hidden,), 3 * c, gen, device)
            self.w2 = uniform(p, (c, hidden), hidden, gen, device)          # update.weight (not zero: something grows)
            self.ws = uniform(p, (c - 2, genome), genome, gen, device)      # seed.weight
            self.bs = uniform(p, (c - 2,), genome, gen, device)
        self.gain = torch.ones(p, 1, 1, 1, 1, device=device)
        self.bias = torch.full((p, 1, 1, 1, 1), -3.0, device=device)
        self.kernel = perception_kernel(c, device)

    def develop(self, genomes, steps, fire_rate, grid, full, sparse, gen):
        p, k = self.w1.shape[0], genomes.shape[0]
        b, c, g = p * k, self.c, grid
        g3 = genomes.unsqueeze(0).expand(p, k, -1)
        seed = torch.baddbmm(self.bs.unsqueeze(1), g3, self.ws.transpose(1, 2))                 # (P, K, C - 2)
        cell = torch.cat([torch.zeros(p, k, 1, device=g3.device), torch.ones(p, k, 1, device=g3.device), seed], 2)
        x = start_grid(cell.reshape(b, c), g, full)
        w1t, w2t, b1 = self.w1.transpose(1, 2), self.w2.transpose(1, 2), self.b1.unsqueeze(1)
        for _ in range(steps):
            pre = F.max_pool2d(x[:, 1:2], 3, 1, 1) > 0.1
            y = F.conv2d(x, self.kernel, padding=1, groups=c)                                     # (B, 3C, G, G)
            fire = next(gen) if not isinstance(gen, torch.Generator) else (torch.rand(k, 1, g, g, generator=gen, device=x.device) < fire_rate).float()
            fire = fire.unsqueeze(0).expand(p, -1, -1, -1, -1).reshape(b, 1, g, g)
            rows = y.permute(0, 2, 3, 1).reshape(p, k * g * g, 3 * c)
            if not sparse:
                dx = torch.bmm(torch.relu(torch.baddbmm(b1, rows, w1t)), w2t)                    # (P, K G G, C)
                dx = dx.view(b, g, g, c).permute(0, 3, 1, 2)
                x = x + dx * fire
            else:
                sel = (fire > 0) & (F.max_pool2d(pre.float(), 3, 1, 1) > 0)                     # fire next to a living cell
                flat = sel.view(p, k * g * g)
                counts = flat.sum(1)
                m = int(counts.max())
                dx = torch.zeros(p * k * g * g, c, device=x.device)
                if m > 0:
                    idx = flat.reshape(-1).nonzero().view(-1)                                     # into P K G G
                    ind = idx // (k * g * g)
                    starts = torch.cumsum(counts, 0) - counts
                    pad = ind * m + (torch.arange(idx.numel(), device=x.device) - starts[ind])
                    block = torch.zeros(p * m, 3 * c, device=x.device).index_copy_(0, pad, rows.reshape(-1, 3 * c)[idx])
                    out = torch.bmm(torch.relu(torch.baddbmm(b1, block.view(p, m, 3 * c), w1t)), w2t)
                    dx.index_copy_(0, idx, out.view(p * m, c)[pad])
                x = x + dx.view(b, g, g, c).permute(0, 3, 1, 2)
            post = F.max_pool2d(x[:, 1:2], 3, 1, 1) > 0.1
            x = x * (pre & post)
        return torch.addcmul(self.bias, x.view(p, k, c, g, g)[:, :, 0:1], self.gain)          # (P, K, 1, G, G)


class GrnPopulation:
    """The GRN of bench/README.md with a leading population dimension on every parameter."""

    def __init__(self, p, genome, n, m, hidden, gen, device, same_weights):
        self.n, self.m, self.inputs = n, m, n + 3 * m
        out = n * self.inputs + n
        if same_weights:  # GenomicCode's InitialWeights: W0, then the hypernetwork and maternal map, in stream order
            segments = [(n * self.inputs, self.inputs / 3.0, 1), (hidden * genome, genome, 1), (hidden, genome, 1),
                        (out * hidden, hidden, 0.1), (out, hidden, 1), ((n - 2) * genome, genome, 1), (n - 2, genome, 1)]
            w = gc_weights(p, segments).to(device)
            w0, h1w, h1b, h2w, h2b, mw, mb = torch.split(w, [c for c, _, _ in segments], dim=1)
            self.w0 = w0.reshape(p, n, self.inputs)
            self.h1w, self.h1b = h1w.reshape(p, hidden, genome), h1b.reshape(p, hidden)
            self.h2w, self.h2b = h2w.reshape(p, out, hidden), h2b.reshape(p, out)
            self.mw, self.mb = mw.reshape(p, n - 2, genome), mb.reshape(p, n - 2)
        else:
            self.h1w, self.h1b = uniform(p, (hidden, genome), genome, gen, device), uniform(p, (hidden,), genome, gen, device)
            self.h2w, self.h2b = uniform(p, (out, hidden), hidden, gen, device) * 0.1, uniform(p, (out,), hidden, gen, device)
            self.w0 = uniform(p, (n, self.inputs), self.inputs / 3.0, gen, device)
            self.mw, self.mb = uniform(p, (n - 2, genome), genome, gen, device), uniform(p, (n - 2,), genome, gen, device)
        self.b0 = torch.zeros(p, n, device=device)
        self.b0[:, 1] = 2
        self.gain = torch.full((p, 1, 1, 1, 1), 3.0, device=device)
        self.bias = torch.full((p, 1, 1, 1, 1), -3.0, device=device)
        self.kernel = diffusion_kernel(m, device)

    def develop(self, genomes, steps, fire_rate, grid, full, sparse, gen):
        p, k = self.h1w.shape[0], genomes.shape[0]
        b, n, m, i, g = p * k, self.n, self.m, self.inputs, grid
        g3 = genomes.unsqueeze(0).expand(p, k, -1)
        hidden = torch.tanh(torch.baddbmm(self.h1b.unsqueeze(1), g3, self.h1w.transpose(1, 2)))
        flat = torch.baddbmm(self.h2b.unsqueeze(1), hidden, self.h2w.transpose(1, 2))           # (P, K, N I + N)
        w = (flat[..., : n * i].view(p, k, n, i) + self.w0.unsqueeze(1)).reshape(b, n, i)
        bias = (flat[..., n * i:] + self.b0.unsqueeze(1)).reshape(b, n, 1)
        maternal = torch.tanh(torch.baddbmm(self.mb.unsqueeze(1), g3, self.mw.transpose(1, 2)))
        cell = torch.cat([torch.zeros(p, k, 1, device=g3.device), torch.ones(p, k, 1, device=g3.device), maternal], 2)
        x = start_grid(cell.reshape(b, n), g, full)
        for _ in range(steps):
            pre = F.max_pool2d(x[:, 1:2], 3, 1, 1) > 0.1
            s = F.conv2d(x[:, :m], self.kernel, padding=1, groups=m)
            drive = torch.baddbmm(bias, w, torch.cat([x, s], 1).view(b, i, g * g)).view(b, n, g, g)
            x = torch.lerp(x, torch.tanh(drive), 0.2)
            post = F.max_pool2d(x[:, 1:2], 3, 1, 1) > 0.1
            x = x * (pre & post)
        return torch.addcmul(self.bias, x.view(p, k, n, g, g)[:, :, 0:1], self.gain)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def main():
    global SEED
    a = argparse.ArgumentParser()
    a.add_argument("--decoder", choices=["nca", "grn"], default="nca")
    a.add_argument("--population", default="32")
    a.add_argument("--genomes", type=int, default=1)
    a.add_argument("--grid", type=int, default=32)
    a.add_argument("--channels", type=int, default=16)
    a.add_argument("--hidden", type=int, default=128)
    a.add_argument("--morphogens", type=int, default=4)
    a.add_argument("--steps", type=int, default=48)
    a.add_argument("--genome-size", type=int, default=16)
    a.add_argument("--start", choices=["seed", "full"], default="seed")
    a.add_argument("--iterations", type=int, default=5)
    a.add_argument("--warmup", type=int, default=1)
    a.add_argument("--threads", type=int, default=0)
    a.add_argument("--device", default="cpu")
    a.add_argument("--sparse", action="store_true")
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--masks", choices=["torch", "gc"], default="torch",
                   help="fire masks from torch.rand with seed + 2 (as genomic-code's torch backend) or GenomicCode's SplitMix64 draws (as its ilgpu backend)")
    a.add_argument("--torch-weights", action="store_true",
                   help="draw weights and genomes with torch.rand instead of GenomicCode's InitialWeights streams (the default, value for value)")
    a.add_argument("--json")
    o = a.parse_args()
    SEED = o.seed
    if o.threads > 0:
        torch.set_num_threads(o.threads)
    device = torch.device(o.device)
    sizes = [int(v) for v in o.population.split(",") if v.strip()]
    points = []
    for p in sizes:
        same = not o.torch_weights
        gen = torch.Generator(device=device).manual_seed(o.seed)
        with torch.no_grad():
            if o.decoder == "nca":
                model = NcaPopulation(p, o.genome_size, o.channels, o.hidden, gen, device, same)
            else:
                model = GrnPopulation(p, o.genome_size, o.channels, o.morphogens, o.hidden, gen, device, same)
            genomes = gc_genomes(o.genomes, o.genome_size, o.seed + 1).to(device) if same \
                else torch.randn(o.genomes, o.genome_size, generator=gen, device=device)
            times, cpu, mean = [], [], float("nan")
            planned = gc_fire_masks(o.seed + 2, o.steps, o.genomes, o.grid, 0.5).to(device) if o.masks == "gc" else None
            for it in range(o.warmup + o.iterations):
                masks = iter(planned) if planned is not None else torch.Generator(device=device).manual_seed(o.seed + 2)
                sync(device)
                t, c = time.perf_counter(), time.process_time()
                logits = model.develop(genomes, o.steps, 0.5, o.grid, o.start == "full", o.sparse, masks)
                mean = float(logits.mean())  # waits for the result
                sync(device)
                if it >= o.warmup:
                    times.append(time.perf_counter() - t)
                    cpu.append(time.process_time() - c)
        sec = statistics.median(times)
        organisms = p * o.genomes
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        point = {"population": p, "organisms": organisms, "seconds_median": sec, "organisms_per_second": organisms / sec,
                 "cpu_seconds_median": statistics.median(cpu), "peak_rss_mb": rss, "mean_logit": mean}
        if device.type == "cuda":
            point["cuda_max_memory_mb"] = torch.cuda.max_memory_allocated() / 2**20
        points.append(point)
        print(f"# pytorch {o.decoder} P = {p}: {organisms / sec:.1f} organisms/s", flush=True)
        del model, logits
        if device.type == "cuda":
            torch.cuda.empty_cache()
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu, {torch.get_num_threads()} threads"
    res = {
        "label": f"pytorch {torch.__version__.split('+')[0]} eager{' sparse' if o.sparse else ''} ({device.type})",
        "workload": vars(o) | {"fire_rate": 0.5, "populations": sizes},
        "device": name,
        "points": points,
        "torch": torch.__version__,
    }
    s = json.dumps(res, indent=2)
    print(s)
    if o.json:
        with open(o.json, "w") as f:
            f.write(s + "\n")


if __name__ == "__main__":
    main()
