// Density that follows the room a panel has: a grid of cards (consumers, partitions) takes the
// first of its density levels at which its panel shows everything without scrolling, so twelve
// consumers and twelve partitions stay on one 1280x720 screen while three get full-size cards.
// The level is measured, not guessed from a count: a panel's width, the type size (projector mode),
// the language and the badges other panels add to a card all change what fits.
import { onLangChange } from "./i18n.js";
import { layoutChanged } from "./hooks.js";

const fitted = [];    // {grid, box, levels, count}

/** Try each level in order ("" is the roomiest) until `box` (the scrolling panel) does not overflow. */
function fit(f) {
  const { grid, box, levels } = f;
  if (f.held()) return;        // the pointer is on the cards: nothing moves under it (refit(true) after)
  let chosen = levels[levels.length - 1];
  for (const level of levels) {
    grid.dataset.density = level;
    if (box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1) {
      chosen = level;
      break;
    }
  }
  grid.dataset.density = chosen;
}

let pending = false;
function refitSoon() {
  if (pending) return;
  pending = true;
  // After the frame's layout, never inside a ResizeObserver callback (no "loop" warnings).
  requestAnimationFrame(() => {
    pending = false;
    for (const f of fitted) fit(f);
  });
}

/** Keep `grid` at the roomiest of `levels` (its data-density) that fits `box`; returns refit(force).
 * While `held()` is true the level stays as it is (the panel may scroll for that while). */
export function keepFitting(grid, box, levels, held = () => false) {
  const f = { grid, box, levels, held, count: -1 };
  fitted.push(f);
  if (typeof ResizeObserver === "function") {
    const ro = new ResizeObserver(refitSoon);
    ro.observe(box);
    // the grid (a card that grows: a new badge, more partitions) and the panel's other blocks
    // (a heading that wraps, a hint that comes or goes) change what is left for the cards
    for (const child of box.children) ro.observe(child);
  }
  // What a denser level hides (a rebalance phase on a card) can go away without any size changing:
  // every two seconds a grid below its roomiest level tries the roomier ones again.
  setInterval(() => { if (grid.dataset.density !== levels[0]) refitSoon(); }, 2000);
  // After a render (no layout read here, ten times a second): a card came or went.
  return (force = false) => {
    if (!force && grid.childElementCount === f.count) return;
    f.count = grid.childElementCount;
    refitSoon();
  };
}

onLangChange(refitSoon);
layoutChanged.push(refitSoon);
