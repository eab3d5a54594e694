// The choices the server accepts (assignors, key modes, group types, competitions), as the template
// received them from the Python side (PAGE_CONSTANTS in groupviz/serve, built from the command
// validator's own lists): never repeated here.
export const CONSTANTS = Object.freeze(JSON.parse(document.getElementById("gv-constants").textContent));

/** The assignors group g's protocol takes: client ones (classic), server ones (KIP-848), none (share, Flink). */
export function assignorsFor(g) {
  if (!g || g.type !== "consumer") return [];
  return CONSTANTS.assignors_by_protocol[g.group_protocol === "consumer" ? "consumer" : "classic"] || [];
}
