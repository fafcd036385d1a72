import { describe, expect, it } from "vitest";
import type { TestCaseResult } from "../../../src/events.js";
import { testCaseId } from "../../../src/reporters/test-case-id.js";

const test = (over: Partial<TestCaseResult>): TestCaseResult => ({
  classname: "",
  name: "test_x",
  status: "failed",
  seconds: 0,
  ...over,
});

describe("testCaseId: pytest's node id where the file is known", () => {
  it("a function in a module: file::name", () => {
    expect(testCaseId(test({ classname: "tests.test_api", file: "tests/test_api.py" }))).toBe(
      "tests/test_api.py::test_x",
    );
  });
  it("a method: file::Class::name, nested classes each a part", () => {
    expect(testCaseId(test({ classname: "tests.test_api.TestUsers", file: "tests/test_api.py" }))).toBe(
      "tests/test_api.py::TestUsers::test_x",
    );
    expect(
      testCaseId(test({ classname: "tests.test_api.TestUsers.TestAdmin", file: "tests/test_api.py" })),
    ).toBe("tests/test_api.py::TestUsers::TestAdmin::test_x");
  });
  it("a classname that is not the file's module path is not read as classes", () => {
    expect(testCaseId(test({ classname: "tests.test_apix.T", file: "tests/test_api.py" }))).toBe(
      "tests/test_api.py::test_x",
    );
    expect(testCaseId(test({ classname: "Users suite", file: "src/users.test.js", name: "deletes" }))).toBe(
      "src/users.test.js::deletes",
    );
  });
  it("without a file: classname.name, or the name alone", () => {
    expect(testCaseId(test({ classname: "Users" }))).toBe("Users.test_x");
    expect(testCaseId(test({}))).toBe("test_x");
  });
});
