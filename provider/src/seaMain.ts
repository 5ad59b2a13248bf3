// The plugin executable's main script (Node single executable application). The provider bundle and
// a V8 code cache of it are assets of the executable; the build made the cache after loading every
// module (scripts/lib/build-plugin.ts), so neither start-up nor the first construct compiles
// JavaScript. Only built-in modules can be required here, which is all the bundle needs.
import * as v8 from "v8";
import * as vm from "vm";

// node:sea (Node >= 20.12) is missing from the pinned @types/node 20.9.5.
const { getAsset } = require("node:sea") as { getAsset(key: string, encoding?: string): string | ArrayBuffer };

// V8 accepts a cache only under the flags it was made with; @pulumi/pulumi's closure code
// (runtime/closure/v8Hooks.js) sets this one as it loads, before the build made the cache.
v8.setFlagsFromString("--allow-natives-syntax");
const script = new vm.Script(getAsset("provider.js", "utf8") as string, {
    filename: "provider.js",
    cachedData: Buffer.from(getAsset("provider.cache") as ArrayBuffer),
});
// A rejected cache (another V8 build) only costs compile time; PULUMI_DEBUG shows it.
if (script.cachedDataRejected && process.env.MESHEDGE_DEBUG_PLUGIN) console.error("meshedge: the plugin's code cache was rejected");
// The bundle is CommonJS: run it as Node runs a module, with this module's scope.
(script.runInThisContext() as (...scope: unknown[]) => void)(exports, require, module, __filename, __dirname);
