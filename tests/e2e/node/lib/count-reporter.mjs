// A node:test reporter that appends one line per finished test ("pass <name>" / "fail <name>")
// so that run-node.sh can count results even when a run is killed half-way. Suites (describe
// blocks) are not counted, but a test file that fails to load counts as one failure.
export default async function* countReporter(source) {
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { data } = event;
    if (data.details?.type === "suite") {
      // A suite fails on its own only when its file or hook broke: count that once.
      if (event.type === "test:fail" && data.details?.error?.failureType !== "subtestsFailed") {
        yield `fail ${data.file ?? ""} ${data.name}\n`;
      }
      continue;
    }
    if (data.skip || data.todo) {
      yield `skip ${data.name}\n`;
      continue;
    }
    yield `${event.type === "test:pass" ? "pass" : "fail"} ${data.name}\n`;
  }
}
