// What the service writes in place of the __SW_FRAME__ token in static/*.js
// (widget/render/frames.py, frame_constants()); tests/test_js_types.py checks the keys.
interface SwFrame {
  heights: { [widget: string]: number };
  min: number;
  max: number;
  sandbox: string;
  allow: string;
  message: string;
  measure: string;
  measured: string;
  go: string;
}
declare const __SW_FRAME__: SwFrame;
// The loader's few (frames.py LOADER_KEYS, under the __SW_LOADER__ token).
declare const __SW_LOADER__: Pick<SwFrame, "heights" | "min" | "max" | "sandbox" | "allow" | "message">;
