import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJUnit, readJUnitFile } from "../../../src/steps/read-junit.js";
import { tempDir } from "../../helpers/temp-dir.js";

describe("reading a runner's JUnit", () => {
  it("reads nested suites, empty and attributed outcomes, file and line", () => {
    const read = parseJUnit(`<?xml version="1.0"?>
<testsuites><testsuite name="outer" file="a.test.ts"><testsuite name="inner">
  <testcase classname="a" name="ok" time="0.5"/>
  <testcase classname="a" name="bare-failure" time="x"><failure/></testcase>
  <testcase classname="a" name="err" line="12"><error message="boom&#10;second line">trace</error></testcase>
  <testcase classname="a" name="skip" file="b.py"><skipped/></testcase>
</testsuite></testsuite></testsuites>`);
    expect(read).toEqual({
      tests: [
        { classname: "a", name: "ok", file: "a.test.ts", status: "passed", seconds: 0.5 },
        { classname: "a", name: "bare-failure", file: "a.test.ts", status: "failed", seconds: 0 },
        {
          classname: "a",
          name: "err",
          file: "a.test.ts",
          line: 12,
          status: "errored",
          seconds: 0,
          message: "boom",
          detail: "trace",
        },
        { classname: "a", name: "skip", file: "b.py", status: "skipped", seconds: 0 },
      ],
    });
  });

  it("takes file and line from a pytest traceback when the JUnit has none", () => {
    const trace = [
      "def test_total():",
      ">       assert total([1, 2]) == 4",
      "",
      "tests/test_cart.py:7: ",
      "_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _",
      "    def total(xs):",
      ">       raise ValueError(xs)",
      "E       ValueError: [1, 2]",
      "",
      "src/cart.py:3: ValueError",
    ].join("\n");
    const read = parseJUnit(
      `<testsuite><testcase classname="tests.test_cart" name="test_total"><failure message="ValueError">${trace}</failure></testcase>` +
        `<testcase classname="t" name="in_file" file="tests/test_cart.py"><failure>${trace}</failure></testcase>` +
        `<testcase classname="t" name="given" line="40"><failure>${trace}</failure></testcase>` +
        `<testcase classname="t" name="no_trace"><failure>AssertionError</failure></testcase></testsuite>`,
    );
    if (!("tests" in read)) throw new Error(read.problem);
    const at = (name: string) => read.tests.find((t) => t.name === name)!;
    // No file known: the first frame, the test function.
    expect(at("test_total")).toMatchObject({ file: "tests/test_cart.py", line: 7 });
    // The file known: the last frame in it, not the library code under it.
    expect(at("in_file")).toMatchObject({ file: "tests/test_cart.py", line: 7 });
    // A line the runner gives wins.
    expect(at("given").line).toBe(40);
    expect(at("no_trace").line).toBeUndefined();
  });

  it("takes a chained exception's location from the test's own module, not the first frame (a library's)", () => {
    // pytest's traceback of an exception raised while handling another starts in the library that
    // raised the first one; the test module is named by the classname (toolz's test_package.py).
    const trace = [
      "    def from_name(cls, name: str):",
      ">           return next(cls.discover(name=name))",
      "E           StopIteration",
      "",
      "/usr/lib/python3.11/importlib/metadata/__init__.py:563: StopIteration",
      "",
      "During handling of the above exception, another exception occurred:",
      "",
      "    def test_has_version():",
      ">       version = toolz.__version__",
      "",
      "toolz/tests/test_package.py:7: ",
      "_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _",
      "toolz/__init__.py:29: in __getattr__",
      '    rv = version("toolz")',
      "/usr/lib/python3.11/importlib/metadata/__init__.py:565: PackageNotFoundError",
    ].join("\n");
    // The first exception raised in the project's own code, outside the test module.
    const inProject = trace.replace(
      "/usr/lib/python3.11/importlib/metadata/__init__.py:563:",
      "toolz/_signatures.py:9:",
    );
    const read = parseJUnit(
      `<testsuite><testcase classname="toolz.tests.test_package" name="test_has_version"><failure message="m">${trace}</failure></testcase>` +
        `<testcase classname="test_package.TestVersion" name="in_class"><failure message="m">${trace}</failure></testcase>` +
        `<testcase classname="other.module" name="unrelated"><failure message="m">${trace}</failure></testcase>` +
        `<testcase classname="toolz.tests.test_package" name="first_in_project"><failure message="m">${inProject}</failure></testcase></testsuite>`,
    );
    if (!("tests" in read)) throw new Error(read.problem);
    const at = (name: string) => read.tests.find((t) => t.name === name)!;
    expect(at("test_has_version")).toMatchObject({ file: "toolz/tests/test_package.py", line: 7 });
    // A classname relative to another rootdir still names the module's file by its tail.
    expect(at("in_class")).toMatchObject({ file: "toolz/tests/test_package.py", line: 7 });
    // No frame in the classname's module: the first frame outside an absolute path (the project's).
    expect(at("unrelated")).toMatchObject({ file: "toolz/tests/test_package.py", line: 7 });
    expect(at("first_in_project")).toMatchObject({ file: "toolz/tests/test_package.py", line: 7 });
  });

  it("reads a bare <testsuite> (pytest's older format)", () => {
    expect(
      parseJUnit(`<testsuite><testcase name="t"><failure message="m">x</failure></testcase></testsuite>`),
    ).toEqual({
      tests: [{ classname: "", name: "t", status: "failed", seconds: 0, message: "m", detail: "x" }],
    });
  });

  it("reads test cases directly under <testsuites> (node --test --test-reporter=junit), and describe() suites", () => {
    const read = parseJUnit(`<?xml version="1.0" encoding="utf-8"?>
<testsuites>
	<testcase name="adds" time="0.007" classname="test"/>
	<testcase name="fails" time="0.006" classname="test" failure="2 == 3">
		<failure type="testCodeFailure" message="2 == 3">boom</failure>
	</testcase>
	<testsuite name="group" time="0.1" tests="1" failures="0" skipped="1">
		<testcase name="later" time="0.0003" classname="test"><skipped type="skipped" message="true"/></testcase>
	</testsuite>
	<!-- tests 3 -->
</testsuites>`);
    expect("tests" in read && read.tests.map((t) => [t.name, t.status, t.message])).toEqual([
      ["adds", "passed", undefined],
      ["fails", "failed", "2 == 3"],
      ["later", "skipped", "true"],
    ]);
  });

  it("says why there are no tests instead of throwing", () => {
    expect(readJUnitFile(join(tempDir(), "none.xml"))).toEqual({
      problem: expect.stringMatching(/wrote no JUnit file/),
    });
    expect(parseJUnit("<html/>")).toEqual({ problem: expect.stringMatching(/no <testsuites>/) });
    expect(parseJUnit("<testsuites><testsuite>")).toHaveProperty("problem");
  });
});
