// Cards fill in their details (poster, name, labels) a few per frame, and only once they have stayed on screen
// for a frame. A card that gets a video shows its empty frame at once; in a fast scroll, which hands every card a
// new video each frame, cards are gone before their turn and never build their details or ask for their poster
// (Google Photos shows grey tiles during a fling the same way). At rest, a screen fills in a few frames.

/** Cards given their details per frame. */
const perFrame = 6;
const queue = new Map<() => void, number>();
let frame = 0;
let scheduled = false;

function run(): void {
  scheduled = false;
  frame += 1;
  let n = 0;
  for (const [fill, asked] of queue) {
    if (n >= perFrame) break;
    if (asked >= frame - 1) continue; // asked this frame or the last: wait one more
    queue.delete(fill);
    fill();
    n += 1;
  }
  if (queue.size > 0) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(run);
}

/** Calls `fill` on a coming frame, in turn; the returned function takes it out of the line. */
export function fillSoon(fill: () => void): () => void {
  queue.set(fill, frame);
  schedule();
  return () => queue.delete(fill);
}
