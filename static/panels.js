// Feature panels beside the board (app.js renders the board areas first, then these, in this order).
// Each module exports
//   init()                once, before the first render (wire its controls here)
//   render(snap, group)   on every change of the store (update in place; text via textContent only)
// It reads the page's state with store.js select(), sends with commands.js send(), brings its own
// strings with i18n.addMessages({en: {...}, zh: {...}}) and its own markup in templates/index.html,
// and changes another panel's elements only through that panel's hooks (topic.js decorateCell, hooks.js).
import * as lessons from "./lessons.js";
import * as classroom from "./classroom.js";
import * as share from "./share.js";
import * as kafka from "./kafka.js";
import * as flink from "./flink.js";
import * as protocol from "./protocol.js";
import * as realkafka from "./realkafka.js";

export const PANELS = [lessons, classroom, share, flink, kafka, protocol, realkafka];
