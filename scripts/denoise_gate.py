"""A noise-suppression front-end tried before Whisper: spectral gating in numpy. Measurement only (not shipped:
it did not help Whisper on the noisy set, see docs/benchmarks.md, "A noise-suppression front-end before Whisper").

The noise floor of a decode window is estimated per frequency from its quietest frames (a room's hum, fan and
steady murmur are there in the pauses), and each short-time spectrum is attenuated where it is not clearly above
that floor (a Wiener-like gain with a floor, smoothed over time and frequency so it does not leave "musical noise"),
then resynthesised by overlap-add. Pure numpy: 25–135 ms per 10 s of audio on 2 busy cores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16000


@dataclass(frozen=True)
class GateOptions:
    n_fft: int = 512  # 32 ms frames
    hop: int = 128  # 75 % overlap: a Hann window overlap-adds to a constant
    noise_quantile: float = 0.15  # the floor: the mean power of the quietest 15 % of frames, per frequency
    over: float = 1.5  # subtract this many times the noise power
    floor: float = 0.15  # never attenuate below this gain (deeper gating leaves artefacts Whisper mishears)
    power_frames: int = 1  # power smoothing before the gain (1: none)
    power_bins: int = 1
    per_bin: bool = False  # the floor per frequency: that frequency's noise_quantile over time (of the smoothed power)
    smooth_frames: int = 3  # mask smoothing over time (frames) and frequency (bins)
    smooth_bins: int = 3
    highpass_hz: float = 0.0  # zero the bins below this (0: off)


def _frames(x: np.ndarray, n_fft: int, hop: int) -> tuple[np.ndarray, int]:
    pad = n_fft - hop
    padded = np.concatenate([np.zeros(pad, np.float32), x, np.zeros(n_fft, np.float32)])
    count = 1 + (len(padded) - n_fft) // hop
    idx = np.arange(n_fft)[None, :] + hop * np.arange(count)[:, None]
    return padded[idx], pad


def _box(a: np.ndarray, size: int, axis: int) -> np.ndarray:
    """Moving average of ``size`` (odd) along ``axis``, edges padded with the edge values."""
    if size <= 1:
        return a
    half = size // 2
    pad = [(0, 0), (0, 0)]
    pad[axis] = (half + 1, half)
    c = np.cumsum(np.pad(a, pad, mode="edge"), axis=axis)
    hi = np.take(c, np.arange(size, c.shape[axis]), axis=axis)
    lo = np.take(c, np.arange(0, c.shape[axis] - size), axis=axis)
    return (hi - lo) / size


def _smooth(mask: np.ndarray, frames: int, bins: int) -> np.ndarray:
    return _box(_box(mask, frames, 0), bins, 1)


def spectral_gate(samples: np.ndarray, opts: GateOptions | None = None) -> np.ndarray:
    """Float32 16 kHz mono samples with the steady noise attenuated; same length. Silence and very short input
    come back unchanged."""
    opts = opts or GateOptions()
    x = np.asarray(samples, dtype=np.float32)
    if len(x) < opts.n_fft * 4 or not np.any(x):
        return x.copy()
    window = np.hanning(opts.n_fft + 1)[:-1].astype(np.float32)
    frames, pad = _frames(x, opts.n_fft, opts.hop)
    spec = np.fft.rfft(frames * window, axis=1)
    power = spec.real ** 2 + spec.imag ** 2
    level = _smooth(power, opts.power_frames, opts.power_bins)  # a steadier estimate of each cell's power
    if opts.per_bin:  # each frequency's own quiet moments (babble leaves different bins quiet at different times)
        noise = np.quantile(level, opts.noise_quantile, axis=0) + 1e-12
    else:
        energy = power.sum(axis=1)
        quiet = np.argsort(energy)[: max(1, int(len(energy) * opts.noise_quantile))]
        noise = power[quiet].mean(axis=0) + 1e-12
    gain = np.clip(1.0 - opts.over * noise / (level + 1e-12), 0.0, 1.0)
    gain = np.maximum(_smooth(gain, opts.smooth_frames, opts.smooth_bins), opts.floor)
    if opts.highpass_hz > 0:
        gain[:, : int(opts.highpass_hz * opts.n_fft / SAMPLE_RATE)] = 0.0
    out_frames = np.fft.irfft(spec * gain, n=opts.n_fft, axis=1).astype(np.float32) * window
    r = opts.n_fft // opts.hop  # overlap-add in blocks of one hop, normalised by the summed squared window
    out = np.zeros((len(out_frames) + r, opts.hop), np.float32)
    norm = np.zeros_like(out)
    wsq = (window ** 2).reshape(r, opts.hop)
    for k in range(r):
        out[k: k + len(out_frames)] += out_frames[:, k * opts.hop:(k + 1) * opts.hop]
        norm[k: k + len(out_frames)] += wsq[k]
    out, norm = out.reshape(-1)[pad: pad + len(x)], norm.reshape(-1)[pad: pad + len(x)]
    out = out / np.maximum(norm, 1e-3)
    return out.astype(np.float32)
