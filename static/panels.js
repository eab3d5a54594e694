// Feature panels beside the core page (app.js). Each module exports
//   init(ctx)                 once, before the first render (wire its controls here)
//   render(snap, group, ctx)  on every snapshot and tick (update in place; text via textContent only)
// ctx = {send, state, toast, colors, charts, q, t, setDisabled(node, off)}. A module brings its own strings with
// i18n.addMessages({en: {...}, zh: {...}}) and its own markup in templates/index.html.
import * as lessons from "./lessons.js";
import * as classroom from "./classroom.js";
import * as share from "./share.js";
import { kafkaPanel } from "./kafka.js";

export const PANELS = [lessons, classroom, share, kafkaPanel];
