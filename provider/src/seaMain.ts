// The plugin executable's main script (Node single executable application). The provider bundle and
// a V8 code cache of it are assets of the executable; the build made the cache after loading every
// module (scripts/lib/build-plugin.ts), so neither start-up nor the first construct compiles
// JavaScript. Only built-in modules can be required here, which is all the bundle needs.
import { builtinModules } from "module";
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
// A rejected cache (another V8 build) only costs compile time; MESHEDGE_DEBUG_PLUGIN=1 reports it.
if (script.cachedDataRejected && process.env.MESHEDGE_DEBUG_PLUGIN) console.error("meshedge: the plugin's code cache was rejected");
// Optional packages the bundle probes for (js-yaml's esprima) are "not found", as they would be in a
// node_modules tree without them, instead of the executable's require warning on stderr.
const requireBuiltin = Object.assign((id: string) => {
    if (!builtinModules.includes(id.replace(/^node:/, ""))) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
    return require(id);
}, require);
// The bundle is CommonJS: run it as Node runs a module, with this module's scope.
(script.runInThisContext() as (...scope: unknown[]) => void)(exports, requireBuiltin, module, __filename, __dirname);
