package runtime

// Version is the runtime's version.
const Version = "0.1.0"

// SupportsGeneratedCode1 is referenced by generated code
// (const _ = runtime.SupportsGeneratedCode1) so that code generated for a
// newer, incompatible runtime fails to compile with a readable name
// instead of misbehaving at run time.
const SupportsGeneratedCode1 = true
