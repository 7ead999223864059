/**
 * The queue's alarm for the top priorities, synthesised with the Web Audio API (no audio file to fetch).
 * Browsers start audio only after a user gesture, so ``unlock`` is called from the first key or click.
 */
export const SOUNDED_PRIORITIES = 2; // P1 and P2
const MIN_GAP_MS = 1500;

/** Tones (Hz) and their length (s) for each priority that sounds. */
export function toneFor(priority: number): { tones: number[]; length: number } | null {
  if (priority === 1) return { tones: [988, 740, 988, 740], length: 0.16 };
  if (priority === 2) return { tones: [784, 587], length: 0.18 };
  return null;
}

/** Of a batch of new alerts, the priority to sound (the most urgent), or null. */
export function priorityToSound(priorities: readonly number[]): number | null {
  const top = Math.min(...priorities);
  return Number.isFinite(top) && top <= SOUNDED_PRIORITIES ? top : null;
}

export class AlertSound {
  private context: AudioContext | null = null;
  private lastAt = 0;

  /** Create or resume the audio context; call from a user gesture. */
  unlock(): void {
    if (typeof AudioContext === "undefined") return;
    this.context ??= new AudioContext();
    if (this.context.state === "suspended") void this.context.resume();
  }

  play(priority: number): void {
    const tone = toneFor(priority);
    const context = this.context;
    if (tone === null || context === null || context.state !== "running") return;
    const now = performance.now();
    if (now - this.lastAt < MIN_GAP_MS) return;
    this.lastAt = now;
    const start = context.currentTime + 0.02;
    tone.tones.forEach((frequency, index) => {
      const at = start + index * tone.length;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "square";
      oscillator.frequency.setValueAtTime(frequency, at);
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.12, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + tone.length * 0.9);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + tone.length);
    });
  }
}
