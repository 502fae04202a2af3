#![forbid(unsafe_code)]
//! `asl!`: a thin shell; all logic lives in `asl-codegen`.

/// Compiles an Amazon States Language definition into a typed async state machine.
///
/// Two forms:
///
/// ```text
/// asl! {
///     /// Docs of the generated type.
///     pub struct OrderFlow; { "StartAt": "…", "States": { … } }   // inline JSON
/// }
/// asl!(pub struct OrderFlow, "flows/order.asl.json");            // or .yaml / .yml
/// ```
///
/// A file path is relative to the crate's `Cargo.toml`; the build reruns when the file changes.
/// Before the type, `#[asl(name = "…")]` names the state machine (`$$.StateMachine.Name` and the
/// key of a mock configuration; the type's name by default), `#[asl(express)]` checks the
/// definition as an Express workflow and `#[asl(forbid_cfn_placeholders)]` rejects
/// CloudFormation `${…}` placeholders.
///
/// The definition is checked with every rule of the model at build time: errors are compile
/// errors on the exact token (inline) or on the path literal with `file:line:col` and a snippet
/// (file); warnings are deprecation warnings (stable Rust has no other way for a macro to warn).
///
/// It generates:
/// * the unit struct, with `start`, `start_with` and `run` (they take an
///   `asl::runtime::Runtime`, the integrations as `Arc<I>`, and the input `serde_json::Value`);
/// * a trait `<Name>Integrations` with one method per distinct Task `Resource`, whose argument
///   says the pattern (`RequestResponse`, `RunJob`, `Callback`), implemented for
///   `asl::runtime::CatchAll<H>` so one `TaskHandler` (or a mock configuration) can stand in for
///   all of them. A machine without Task states runs with any integrations value, e.g. `()`.
///
/// A distributed Map over the state input runs like an inline Map (its iterations are not
/// separate child executions). Not compiled yet, and reported as errors where they are written:
/// `ItemReader`/`ItemBatcher`/`ResultWriter`, and JSONata in `Credentials` or the
/// tolerated-failure fields (JSONata states themselves are compiled).
#[proc_macro]
pub fn asl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    asl_codegen::expand(input.into()).into()
}
