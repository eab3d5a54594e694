// The choices the server accepts (assignors, key modes, group types, competitions), as the template
// received them from the Python side (PAGE_CONSTANTS in groupviz/serve, built from the command
// validator's own lists): never repeated here.
export const CONSTANTS = Object.freeze(JSON.parse(document.getElementById("gv-constants").textContent));
