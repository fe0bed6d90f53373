import type { CelebrationTier } from '@/stores/celebrations';

/** Rising notes of a major chord (C6, E6, G6, C7); a bigger win plays more of them. */
const NOTES_HZ = [1046.5, 1318.5, 1568, 2093];
const NOTES_PER_TIER: Record<CelebrationTier, number> = { normal: 2, big: 3, huge: 4 };
const NOTE_GAP_S = 0.14;
const NOTE_LENGTH_S = 0.9;

let context: AudioContext | null = null;

/**
 * A short chime made in code (no audio files to ship or cache): a few sine notes with a soft
 * attack and a long decay. Browsers may refuse sound before a user gesture; a TV kiosk usually
 * runs with autoplay allowed, and elsewhere the celebration simply stays silent.
 */
export function playChime(tier: CelebrationTier): void {
  const AudioContextClass = typeof window === 'undefined' ? undefined : window.AudioContext;
  if (!AudioContextClass) return;
  try {
    context ??= new AudioContextClass();
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    const start = context.currentTime + 0.05;
    NOTES_HZ.slice(0, NOTES_PER_TIER[tier]).forEach((frequency, index) => {
      const at = start + index * NOTE_GAP_S;
      const oscillator = context!.createOscillator();
      const gain = context!.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(0.18, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + NOTE_LENGTH_S);
      oscillator.connect(gain).connect(context!.destination);
      oscillator.start(at);
      oscillator.stop(at + NOTE_LENGTH_S);
    });
  } catch (error) {
    console.warn('Salesboard: could not play the celebration chime', error);
  }
}
