// Extension hooks: lists that one part of the page runs and other parts add to, so that a panel can
// change what another one shows without reaching into its DOM. The partition cells' hook,
// decorateCell, belongs to the topic view (topic.js).

/** fn() after the board's layout changed without the window being resized (projector mode, the
 * board shown again after the Kafka details view): the charts measure again, popovers move. */
export const layoutChanged = [];

export function relayout() {
  for (const fn of layoutChanged) fn();
}

/** Marks a panel adds to the charts for the group shown: {key(group) -> string that changes whenever
 * the marks would, marks(group, range, now_s) -> {shapes, annotations}} (Plotly shapes in seconds). */
export const chartMarks = [];

/** fn(tab) shows a screen: "board" or "kafka" (the Kafka details); kafka.js owns the switch. A lesson step's
 * view (lesson-view.js) uses it. fn returns false where both are one page (a narrow screen). */
export const showScreen = [];
