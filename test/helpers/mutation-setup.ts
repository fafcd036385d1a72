/**
 * Setup for mutation testing only (vitest.mutation.config.ts): a property that fails is not shrunk.
 * A killed mutant needs only the first counterexample; shrinking one costs more than the whole run.
 */
import fc from "fast-check";

fc.configureGlobal({ endOnFailure: true });
