// One colour per consumer, everywhere on the page (card, partition cells, chart traces).
// Okabe & Ito's colour-blind-safe palette (black dropped: it is the text colour),
// extended with two of Paul Tol's "muted" colours for the 8th and 9th member.
const PALETTE = [
  "#0072B2", // blue
  "#E69F00", // orange
  "#009E73", // bluish green
  "#CC79A7", // reddish purple
  "#56B4E9", // sky blue
  "#D55E00", // vermillion
  "#F0E442", // yellow
  "#882255", // wine (Tol)
  "#44AA99", // teal (Tol)
];

export function colorFor(index) {
  const i = Number.isInteger(index) && index >= 0 ? index : 0;
  return PALETTE[i % PALETTE.length];
}

/** Colour for a trace/card by member id, remembering members after they leave. */
class ColorBook {
  constructor() { this.byId = new Map(); }
  learn(members) {
    for (const m of members || []) {
      if (m && m.member_id !== undefined) this.byId.set(m.member_id, colorFor(m.color));
    }
  }
  get(memberId) {
    if (!this.byId.has(memberId)) {
      // Unknown member (only seen in history): derive a stable index from its number.
      const n = parseInt(String(memberId).replace(/^\D+/, ""), 10);
      this.byId.set(memberId, colorFor(Number.isFinite(n) ? n - 1 : this.byId.size));
    }
    return this.byId.get(memberId);
  }
}

/** The page's one book: cards, partition cells and chart traces agree on a member's colour. */
export const colors = new ColorBook();
