// Entry point of the pulumi-resource-meshedge plugin.
import { main } from "./provider";

main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
