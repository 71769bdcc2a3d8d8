#!/usr/bin/python3
"""The training step of `dlab train` written as a plain PyTorch loop, for a speed comparison.

Same network (residual MLP 3 x 128 over [x_t, sinusoidal embedding of log-SNR], SiLU, v output
parameterisation turned into eps), same data (100,000 gmm8 points), same noise levels (linear and
cosine schedules, T = 1000, a t uniform per example), same batch, Adam, gradient clipping at norm 1
and an EMA of the weights: what a PyTorch user would write, with the library's defaults.

Run with Debian's python3-torch (/usr/bin/python3); prints "train_steps_per_s: V steps/s".
"""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def gmm8(n, generator):
    k = torch.randint(0, 8, (n,), generator=generator)
    angle = k.double() * math.pi / 4
    centers = torch.stack([2 * torch.cos(angle), 2 * torch.sin(angle)], 1)
    return (centers + 0.2 * torch.randn(n, 2, generator=generator, dtype=torch.double)).float()


def noise_levels(timesteps=1000):
    """sqrt(abar), sqrt(1 - abar), log-SNR for linear (1e-4..0.02) and cosine (s = 0.008) schedules."""
    t = torch.arange(1, timesteps + 1, dtype=torch.double)
    betas = 1e-4 + (0.02 - 1e-4) * (t - 1) / (timesteps - 1)
    linear = torch.cumprod(1 - betas, 0)
    f = lambda u: torch.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2
    cosine_betas = torch.clamp(1 - f(t / timesteps) / f((t - 1) / timesteps), max=0.999)
    cosine = torch.cumprod(1 - cosine_betas, 0)
    abar = torch.cat([linear, cosine])
    log_snr = torch.log(abar) - torch.log1p(-abar)
    return torch.stack([abar.sqrt(), (1 - abar).sqrt(), log_snr], 1).float()


class Mlp(nn.Module):
    def __init__(self, hidden=128, depth=3, embedding_dim=64):
        super().__init__()
        half = embedding_dim // 2
        self.register_buffer(
            "frequencies", (torch.exp(torch.arange(half, dtype=torch.double) * math.log(256.0) / (half - 1)) / 32).float())
        self.input = nn.Linear(2 + embedding_dim, hidden)
        self.blocks = nn.ModuleList([nn.Linear(hidden, hidden) for _ in range(depth)])
        self.output = nn.Linear(hidden, 2)

    def forward(self, x_t, log_snr):
        phases = log_snr.clamp(-30, 30)[:, None] * self.frequencies[None, :]
        h = self.input(torch.cat([x_t, torch.sin(phases), torch.cos(phases)], 1))
        for block in self.blocks:
            h = h + block(F.silu(h))
        v = self.output(F.silu(h))
        level = log_snr[:, None]
        return torch.sigmoid(-level).sqrt() * x_t + torch.sigmoid(level).sqrt() * v  # eps


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    data = gmm8(100_000, generator)
    table = noise_levels()
    model = Mlp()
    ema = [p.detach().clone() for p in model.parameters()]
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    losses = []
    start = time.perf_counter()
    for step in range(args.steps):
        x0 = data[torch.randint(0, data.shape[0], (args.batch,))]
        level = table[torch.randint(0, table.shape[0], (args.batch,))]
        eps = torch.randn_like(x0)
        x_t = level[:, :1] * x0 + level[:, 1:2] * eps
        loss = F.mse_loss(model(x_t, level[:, 2]), eps)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for e, p in zip(ema, model.parameters()):
                e.mul_(decay).add_(p, alpha=1 - decay)
        losses.append(loss.item())
    seconds = time.perf_counter() - start
    print(f"torch: {torch.__version__}")
    print(f"threads: {torch.get_num_threads()}")
    print(f"final_loss: {sum(losses[-100:]) / 100:.4f}")
    print(f"train_steps_per_s: {args.steps / seconds:.1f} steps/s")


if __name__ == "__main__":
    main()
