import { expect } from "chai";
import { cpuCores, kongSizeMiB, memoryMiB, nginxSeconds } from "../../../policy/src/rules/quantities";

describe("policy quantities", () => {
    it("CPU quantities", () => {
        expect([cpuCores("4"), cpuCores("500m"), cpuCores(2), cpuCores("1.5"), cpuCores("four"), cpuCores(undefined)]).to.deep.equal([4, 0.5, 2, 1.5, undefined, undefined]);
    });
    it("memory quantities in MiB", () => {
        expect([memoryMiB("2560Mi"), memoryMiB("3Gi"), memoryMiB("1024Ki"), memoryMiB(String(2 ** 30)), memoryMiB("2G"), memoryMiB("lots")]).to.deep.equal([
            2560,
            3072,
            1,
            1024,
            2e9 / 2 ** 20,
            undefined,
        ]);
    });
    it("Kong sizes are binary multiples in either case (kong 3.9.3 kong/tools/string.lua parse_ngx_size)", () => {
        expect([kongSizeMiB("128m"), kongSizeMiB("1G"), kongSizeMiB("512k"), kongSizeMiB("12x")]).to.deep.equal([128, 1024, 0.5, undefined]);
    });
    it("nginx times", () => {
        expect([nginxSeconds("300s"), nginxSeconds("1h"), nginxSeconds("1m30s"), nginxSeconds("90"), nginxSeconds(300), nginxSeconds("soon")]).to.deep.equal([300, 3600, 90, 90, 300, undefined]);
    });
});
