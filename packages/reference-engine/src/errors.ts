// The base of every error the engine throws on purpose (a missing or wrong draft file, a bad
// request). The engine knows no exit codes: prism-bench's command line maps this class to one
// in its one place (src/cli/program.ts).
export class ReferenceEngineError extends Error {
  constructor(message?: string) {
    super(message);
    this.name = new.target.name;
  }
}
