//! The generated machine (see docs/architecture.md, "what generated code looks like").
//!
//! Layout of the output:
//! * the user's unit struct, and `<Name>Integrations`: one trait method per distinct Task
//!   resource, plus its implementation for the runtime's `CatchAll<H>`;
//! * inside a `const _: () = { … };` block (so nothing else leaks into the user's module): one
//!   state `enum` and one `async fn` run loop per (nested) machine, one `LazyLock` spec per state,
//!   and `impl <Name> { start, start_with, run }`.
//!
//! Everything is referenced by absolute paths (`::asl::runtime::…`), so user items with clashing
//! names do not interfere.

use asl_model::model::{
    Catcher, ChoiceRule, Comparison, ComparisonOperator, Count, IoPath, JitterStrategy,
    JsonataExpr, Operand, QueryLanguage, ResultPath, Retrier, SpannedStr, State, StateKind,
    StateMachine, Template, Text, Tolerance, Transition, WaitDuration,
};
use asl_syntax::resource::IntegrationPattern;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::error::{Error, Errors};
use crate::input::Header;
use crate::integrations::{self, Integration, Kind};
use crate::names::{Unique, camel, snake};
use crate::report::Origin;
use crate::unsupported;

/// Generates the machine's type, integration trait and run loop, or the errors that prevent it.
pub fn generate_machine(
    header: &Header,
    machine: &StateMachine,
    origin: &Origin<'_>,
) -> Result<TokenStream, Errors> {
    let mut problems = unsupported::check(machine);
    problems.extend(crate::jsonata::check(machine));
    if !problems.is_empty() {
        return Err(Errors(
            problems
                .into_iter()
                .map(|p| Error::new(origin.span_of(p.span), p.message))
                .collect(),
        ));
    }
    let mut generator = Generator {
        source: origin.text(),
        trait_name: format_ident!("{}Integrations", header.name),
        integrations: integrations::collect(machine),
        items: TokenStream::new(),
        machines: 0,
        statics: 0,
    };
    let root = generator.machine(machine);
    Ok(generator.finish(header, machine, &root))
}

// Absolute paths into the facade crate, so nothing in the user's scope can shadow them.
fn rt() -> TokenStream {
    quote!(::asl::runtime)
}
fn json() -> TokenStream {
    quote!(::asl::__private::serde_json)
}
fn result() -> TokenStream {
    quote!(::core::result::Result)
}
fn option() -> TokenStream {
    quote!(::core::option::Option)
}
fn none() -> TokenStream {
    quote!(::core::option::Option::None)
}
fn error_ty() -> TokenStream {
    quote!(::asl::runtime::error::StatesError)
}
fn string(value: &str) -> Literal {
    Literal::string(value)
}

struct Generator<'a> {
    /// The definition text, for values the model keeps only as spans.
    source: &'a str,
    trait_name: Ident,
    integrations: Vec<Integration>,
    /// Statics, enums and run functions, in the `const _` block.
    items: TokenStream,
    machines: usize,
    statics: usize,
}

impl Generator<'_> {
    fn finish(&mut self, header: &Header, machine: &StateMachine, root: &Ident) -> TokenStream {
        let Header {
            attrs, vis, name, ..
        } = header;
        let rt = rt();
        let json = json();
        let trait_name = &self.trait_name;
        let (methods, catch_all) = self.trait_methods();
        let trait_doc = format!(
            " The integrations `{name}` calls: one method per distinct Task `Resource`.\n\n The \
             argument type says the pattern: `RequestResponse` returns the service's response, \
             `RunJob` returns when the job has finished, `Callback` delivers the task token and \
             returns (the task then waits for `SendTaskSuccess`/`SendTaskFailure`). \
             `asl::runtime::integration::CatchAll<H>` implements every method with one \
             `TaskHandler`."
        );
        let items = std::mem::take(&mut self.items);
        let machine_name = string(
            &header
                .settings
                .name
                .clone()
                .unwrap_or_else(|| name.to_string()),
        );
        let timeout = match &machine.timeout_seconds {
            Some(t) => {
                let v = t.value;
                quote!(::core::option::Option::Some(#v))
            }
            None => none(),
        };
        let method_list = self
            .integrations
            .iter()
            .map(|i| format!("`{}`", i.method))
            .collect::<Vec<_>>()
            .join(", ");
        let unimplemented_message =
            format!("`{{Self}}` does not provide the integrations `{name}` calls");
        let unimplemented_label = format!("`{trait_name}` is not implemented for `{{Self}}`");
        let unimplemented_note = format!(
            "implement `{trait_name}` (one method per Task resource: {method_list}), or wrap one \
             `asl::runtime::TaskHandler` in `asl::runtime::CatchAll`"
        );
        let catch_all_impl = if self.integrations.is_empty() {
            // Nothing to implement: every type can run this machine.
            quote!(impl<T: ::core::marker::Send + ::core::marker::Sync + 'static> #trait_name for T {})
        } else {
            quote! {
                impl<H: #rt::integration::TaskHandler> #trait_name for #rt::integration::CatchAll<H> {
                    #catch_all
                }
            }
        };
        quote! {
            #(#attrs)*
            #vis struct #name;

            #[doc = #trait_doc]
            #[diagnostic::on_unimplemented(
                message = #unimplemented_message,
                label = #unimplemented_label,
                note = #unimplemented_note,
            )]
            #vis trait #trait_name: ::core::marker::Send + ::core::marker::Sync + 'static {
                #methods
            }

            #catch_all_impl

            // Generated code: the user's lint settings are about their own code.
            #[allow(clippy::all, clippy::pedantic, clippy::nursery)]
            const _: () = {
                static MACHINE: #rt::spec::MachineSpec = #rt::spec::MachineSpec {
                    name: #machine_name,
                    timeout_seconds: #timeout,
                };

                #[allow(dead_code)]
                impl #name {
                    /// Starts an execution on `runtime` (inside a tokio runtime) and returns its
                    /// handle at once.
                    #vis fn start<I: #trait_name>(
                        runtime: &#rt::execution::Runtime,
                        integrations: ::std::sync::Arc<I>,
                        input: #json::Value,
                    ) -> #rt::execution::Execution {
                        Self::start_with(
                            runtime,
                            integrations,
                            input,
                            ::core::default::Default::default(),
                        )
                    }

                    /// [`Self::start`] with options (the execution's name).
                    #vis fn start_with<I: #trait_name>(
                        runtime: &#rt::execution::Runtime,
                        integrations: ::std::sync::Arc<I>,
                        input: #json::Value,
                        options: #rt::execution::StartOptions,
                    ) -> #rt::execution::Execution {
                        runtime.start(&MACHINE, input, options, move |ctx, input| async move {
                            #root(&integrations, ctx, input).await
                        })
                    }

                    /// Runs an execution to its end.
                    #vis async fn run<I: #trait_name>(
                        runtime: &#rt::execution::Runtime,
                        integrations: ::std::sync::Arc<I>,
                        input: #json::Value,
                    ) -> #rt::execution::ExecutionResult {
                        Self::start(runtime, integrations, input).into_result().await
                    }
                }

                #items
            };
        }
    }

    fn trait_methods(&self) -> (TokenStream, TokenStream) {
        let rt = rt();
        let json = json();
        let mut methods = TokenStream::new();
        let mut catch_all = TokenStream::new();
        for integration in &self.integrations {
            let method = format_ident!("{}", integration.method);
            let states = integration
                .states
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let (pattern, arg, output, handler) = match integration.kind {
                Kind::RequestResponse => (
                    "Request-response: return the service's response.",
                    quote!(#rt::integration::RequestResponse),
                    quote!(#json::Value),
                    quote!(handle_request_response),
                ),
                Kind::RunJob => (
                    "Run a job: return when the job has finished, with its result.",
                    quote!(#rt::integration::RunJob),
                    quote!(#json::Value),
                    quote!(handle_run_job),
                ),
                Kind::Callback => (
                    "Callback: deliver the task token and return; the task then waits for \
                     `SendTaskSuccess`/`SendTaskFailure` on it.",
                    quote!(#rt::integration::Callback),
                    quote!(()),
                    quote!(handle_callback),
                ),
            };
            let doc = format!(
                " `{}`\n\n {pattern}\n\n Used by {states}.",
                integration.resource
            );
            methods.extend(quote! {
                #[doc = #doc]
                fn #method(&self, call: #arg) -> impl ::core::future::Future<
                    Output = ::core::result::Result<#output, #rt::integration::TaskFailure>,
                > + ::core::marker::Send;
            });
            catch_all.extend(quote! {
                fn #method(&self, call: #arg) -> impl ::core::future::Future<
                    Output = ::core::result::Result<#output, #rt::integration::TaskFailure>,
                > + ::core::marker::Send {
                    self.#handler(call)
                }
            });
        }
        (methods, catch_all)
    }

    /// A static built once, on first use: `LazyLock<Result<ty, StatesError>>`. `body` may use `?`.
    fn lazy(&mut self, prefix: &str, ty: TokenStream, body: TokenStream) -> Ident {
        let name = format_ident!("{}_{}", prefix, self.statics);
        self.statics += 1;
        let error = error_ty();
        let result = result();
        self.items.extend(quote! {
            static #name: ::std::sync::LazyLock<#result<#ty, #error>> =
                ::std::sync::LazyLock::new(|| -> #result<#ty, #error> { #result::Ok(#body) });
        });
        name
    }

    /// Generates one machine (the top level, a Parallel branch or a Map's item processor) and
    /// returns the name of its run function.
    fn machine(&mut self, machine: &StateMachine) -> Ident {
        let index = self.machines;
        self.machines += 1;
        let enum_name = format_ident!("Machine{}State", index);
        let run_name = format_ident!("run_machine_{}", index);
        let rt = rt();
        let json = json();
        let error = error_ty();
        let result = result();
        let trait_name = self.trait_name.clone();

        let mut unique = Unique::default();
        let variants: Vec<Ident> = machine
            .states
            .iter()
            .map(|s| format_ident!("{}", unique.take(camel(s.name.value, "State"))))
            .collect();
        let targets = Targets {
            enum_name: &enum_name,
            machine,
            variants: &variants,
        };
        let start = targets.goto(machine.start_at.value);

        let mut arms = TokenStream::new();
        for (state, variant) in machine.states.iter().zip(&variants) {
            let body = self.state(state, &targets);
            arms.extend(quote! { #enum_name::#variant => { #body } });
        }
        let docs: Vec<String> = machine
            .states
            .iter()
            .map(|s| format!(" `{}` ({})", s.name.value, s.kind.type_name()))
            .collect();
        self.items.extend(quote! {
            /// The states of one machine; the run loop below moves between them.
            #[derive(Clone, Copy, Debug)]
            #[allow(dead_code, clippy::enum_variant_names)]
            enum #enum_name {
                #( #[doc = #docs] #variants, )*
            }

            #[allow(unused_variables, unused_mut, unreachable_code, clippy::all)]
            async fn #run_name<I: #trait_name>(
                integrations: &::std::sync::Arc<I>,
                mut ctx: #rt::context::StateContext,
                input: #json::Value,
            ) -> #result<#json::Value, #error> {
                let mut state = #start;
                let mut data = input;
                loop {
                    state = match state {
                        #arms
                    };
                }
            }
        });
        run_name
    }

    fn state(&mut self, state: &State, targets: &Targets<'_>) -> TokenStream {
        let rt = rt();
        let json = json();
        let result = result();
        let error = error_ty();
        let name = string(state.name.value);
        let io = &state.io;
        let input_path = io.input_path.as_ref().map(|p| io_path(Some(p)));
        let output_path = io.output_path.as_ref().map(|p| io_path(Some(p)));
        let result_path = io.result_path.as_ref().map(|p| result_path(Some(p)));
        let parameters = io.parameters.as_ref().map(|t| template(Some(t)));
        let result_selector = io.result_selector.as_ref().map(|t| template(Some(t)));
        let jsonata = state.language == QueryLanguage::Jsonata;
        // A JSONata state's `Assign` holds expressions: it goes into `jsonata`, not `assign`.
        let assign = io
            .assign
            .as_ref()
            .filter(|_| !jsonata)
            .map(|t| assign(Some(t)));
        let state_io = jsonata.then(|| {
            let io = jsonata_io(io.output.as_ref(), io.assign.as_ref());
            quote!(::core::option::Option::Some(#io))
        });
        let arguments = io.arguments.as_ref().map(|t| {
            let v = jsonata_value(t, "Arguments");
            quote!(::core::option::Option::Some(#v))
        });
        let get = |spec: &Ident| quote!(let spec = ::asl::__private::spec(&#spec)?;);
        match &state.kind {
            StateKind::Task(task) => {
                let integration = self
                    .integrations
                    .iter()
                    .find(|i| i.resource == task.resource.value)
                    .cloned();
                let Some(integration) = integration else {
                    // `collect` saw every Task, so this cannot happen; fail rather than guess.
                    let cause = format!("no integration for `{}`", task.resource.value);
                    return quote!(return #result::Err(#error::runtime(#cause)););
                };
                let method = format_ident!("{}", integration.method);
                let pattern = pattern_tokens(integration.pattern);
                let kind = integration.kind;
                let resource = string(task.resource.value);
                let timeout = task.timeout.as_ref().map(|c| seconds(c, "TimeoutSeconds"));
                let heartbeat = task.heartbeat.as_ref().map(|c| {
                    let s = seconds(c, "HeartbeatSeconds");
                    quote!(::core::option::Option::Some(#s))
                });
                let spec = self.lazy(
                    "SPEC",
                    quote!(#rt::spec::TaskSpec),
                    literal(
                        quote!(#rt::spec::TaskSpec),
                        quote!(#rt::spec::TaskSpec::new(#name, #resource, #pattern)),
                        [
                            ("input_path", input_path),
                            ("parameters", parameters),
                            ("result_selector", result_selector),
                            ("result_path", result_path),
                            ("output_path", output_path),
                            ("assign", assign),
                            ("timeout", timeout),
                            ("heartbeat", heartbeat),
                            ("retry", retriers(&task.retry)),
                            ("catch", catchers(&task.catch, jsonata)),
                            (
                                "credentials",
                                task.credentials.as_ref().map(|t| template(Some(t))),
                            ),
                            ("arguments", arguments),
                            ("jsonata", state_io.clone()),
                        ],
                    ),
                );
                let get = get(&spec);
                let invoke = match kind {
                    Kind::Callback => quote! {
                        move |call| async move {
                            integrations
                                .#method(::core::convert::From::from(call))
                                .await
                                .map(|()| #json::Value::Null)
                        }
                    },
                    Kind::RequestResponse | Kind::RunJob => quote! {
                        move |call| integrations.#method(::core::convert::From::from(call))
                    },
                };
                let call = quote! {{
                    let integrations: &I = integrations;
                    #rt::state::run_task(&mut ctx, spec, data, #invoke).await
                }};
                let outcome = outcome(call, &task.transition, &task.catch, targets);
                quote! { #get #outcome }
            }
            StateKind::Pass(pass) => {
                let value = pass.result.as_ref().map(|node| {
                    let text = string(&node.to_json_value().to_string());
                    quote!(::core::option::Option::Some(::asl::__private::json(#text)?))
                });
                let spec = self.lazy(
                    "SPEC",
                    quote!(#rt::spec::PassSpec),
                    literal(
                        quote!(#rt::spec::PassSpec),
                        quote!(#rt::spec::PassSpec::new(#name)),
                        [
                            ("input_path", input_path),
                            ("parameters", parameters),
                            ("result", value),
                            ("result_path", result_path),
                            ("output_path", output_path),
                            ("assign", assign),
                            ("jsonata", state_io.clone()),
                        ],
                    ),
                );
                let get = get(&spec);
                let call = quote!(#rt::state::run_pass(&mut ctx, spec, data));
                let outcome = outcome(call, &pass.transition, &[], targets);
                quote! { #get #outcome }
            }
            StateKind::Wait(wait) => {
                let wait_for = match &wait.duration {
                    WaitDuration::Seconds(Count::Fixed(s)) => {
                        let v = s.value;
                        quote!(#rt::spec::WaitFor::Seconds(#v))
                    }
                    WaitDuration::Seconds(Count::Path(p)) | WaitDuration::SecondsPath(p) => {
                        let p = path(p.text);
                        quote!(#rt::spec::WaitFor::SecondsPath(#p))
                    }
                    WaitDuration::Timestamp(t) => {
                        let text = string(&string_at(self.source, t.span));
                        quote!(#rt::spec::WaitFor::Timestamp(#text))
                    }
                    WaitDuration::TimestampPath(p) => {
                        let p = path(p.text);
                        quote!(#rt::spec::WaitFor::TimestampPath(#p))
                    }
                    WaitDuration::Seconds(Count::Jsonata(e)) => {
                        let v = jsonata_expr(e, "Seconds");
                        quote!(#rt::spec::WaitFor::SecondsJsonata(#v))
                    }
                    WaitDuration::TimestampJsonata(e) => {
                        let v = jsonata_expr(e, "Timestamp");
                        quote!(#rt::spec::WaitFor::TimestampJsonata(#v))
                    }
                };
                let spec = self.lazy(
                    "SPEC",
                    quote!(#rt::spec::WaitSpec),
                    literal(
                        quote!(#rt::spec::WaitSpec),
                        quote!(#rt::spec::WaitSpec::new(#name, #wait_for)),
                        [
                            ("input_path", input_path),
                            ("output_path", output_path),
                            ("assign", assign),
                            ("jsonata", state_io.clone()),
                        ],
                    ),
                );
                let get = get(&spec);
                let call = quote!(#rt::state::run_wait(&mut ctx, spec, data).await);
                let outcome = outcome(call, &wait.transition, &[], targets);
                quote! { #get #outcome }
            }
            StateKind::Succeed(_) => {
                let spec = self.lazy(
                    "SPEC",
                    quote!(#rt::spec::SucceedSpec),
                    literal(
                        quote!(#rt::spec::SucceedSpec),
                        quote!(#rt::spec::SucceedSpec::new(#name)),
                        [
                            ("input_path", input_path),
                            ("output_path", output_path),
                            ("jsonata", state_io.clone()),
                        ],
                    ),
                );
                let get = get(&spec);
                quote! {
                    #get
                    return #rt::state::run_succeed(&mut ctx, spec, data);
                }
            }
            StateKind::Fail(fail) => {
                let error_field = fail_field(fail.error.as_ref(), "Error");
                let cause_field = fail_field(fail.cause.as_ref(), "Cause");
                let spec = self.lazy(
                    "SPEC",
                    quote!(#rt::spec::FailSpec),
                    quote!(#rt::spec::FailSpec {
                        name: #name,
                        error: #error_field,
                        cause: #cause_field,
                    }),
                );
                let get = get(&spec);
                quote! {
                    #get
                    return #result::Err(#rt::state::run_fail(&mut ctx, spec, data));
                }
            }
            StateKind::Choice(choice) => {
                let spec = self.lazy(
                    "SPEC",
                    quote!(#rt::spec::ChoiceSpec),
                    literal(
                        quote!(#rt::spec::ChoiceSpec),
                        quote!(#rt::spec::ChoiceSpec::new(#name)),
                        [
                            ("input_path", input_path),
                            ("output_path", output_path),
                            ("assign", assign),
                            ("jsonata", state_io.clone()),
                        ],
                    ),
                );
                let get = get(&spec);
                let mut tests = TokenStream::new();
                let mut arms = TokenStream::new();
                for (i, branch) in choice.choices.iter().enumerate() {
                    let test = self.rule(&branch.rule);
                    tests.extend(quote! {
                        if #test {
                            return #result::Ok(::core::option::Option::Some(#i));
                        }
                    });
                    let target = targets.goto(branch.next.value);
                    let rule_assign = match &branch.assign {
                        _ if jsonata => {
                            let io = self.lazy(
                                "RULE",
                                quote!(#rt::jsonata::JsonataIo),
                                jsonata_io(branch.output.as_ref(), branch.assign.as_ref()),
                            );
                            quote!(::asl::__private::spec(&#io)?)
                        }
                        Some(a) => {
                            let compiled = self.lazy(
                                "ASSIGN",
                                quote!(#rt::variables::Assign),
                                compiled_assign(a),
                            );
                            quote!(::core::option::Option::Some(
                                ::asl::__private::spec(&#compiled)?
                            ))
                        }
                        None => none(),
                    };
                    let taken = if jsonata {
                        quote!(#rt::state::ChoiceTaken::JsonataRule(#rule_assign))
                    } else {
                        quote!(#rt::state::ChoiceTaken::Rule(#rule_assign))
                    };
                    arms.extend(quote! {
                        ::core::option::Option::Some(#i) => {
                            data = #rt::state::choice_output(
                                &mut ctx,
                                spec,
                                effective,
                                #taken,
                            )?;
                            #target
                        }
                    });
                }
                let default = match &choice.default {
                    Some(d) => {
                        let target = targets.goto(d.value);
                        quote! {{
                            data = #rt::state::choice_output(
                                &mut ctx,
                                spec,
                                effective,
                                #rt::state::ChoiceTaken::Default,
                            )?;
                            #target
                        }}
                    }
                    None => quote!(return #result::Err(#rt::state::no_choice_matched(&ctx))),
                };
                quote! {
                    #get
                    let effective = #rt::state::choice_enter(&mut ctx, spec, ::core::mem::take(&mut data))?;
                    let taken = (|| -> #result<::core::option::Option<usize>, #error> {
                        let input = &effective;
                        let env = &ctx.env();
                        #tests
                        #result::Ok(::core::option::Option::None)
                    })()?;
                    match taken {
                        #arms
                        _ => #default,
                    }
                }
            }
            StateKind::Parallel(parallel) => {
                let branch_fns: Vec<Ident> =
                    parallel.branches.iter().map(|b| self.machine(b)).collect();
                let count = branch_fns.len();
                let spec = self.lazy(
                    "SPEC",
                    quote!(#rt::spec::ParallelSpec),
                    literal(
                        quote!(#rt::spec::ParallelSpec),
                        quote!(#rt::spec::ParallelSpec::new(#name, #count)),
                        [
                            ("input_path", input_path),
                            ("parameters", parameters),
                            ("result_selector", result_selector),
                            ("result_path", result_path),
                            ("output_path", output_path),
                            ("assign", assign),
                            ("retry", retriers(&parallel.retry)),
                            ("catch", catchers(&parallel.catch, jsonata)),
                            ("arguments", arguments),
                            ("jsonata", state_io.clone()),
                        ],
                    ),
                );
                let get = get(&spec);
                let indices = 0..count;
                let call = quote! {{
                    let integrations = <::std::sync::Arc<I> as ::core::clone::Clone>::clone(integrations);
                    #rt::state::run_parallel(&mut ctx, spec, data, move |branch, ctx, input| {
                        let integrations = <::std::sync::Arc<I> as ::core::clone::Clone>::clone(&integrations);
                        let future: #rt::state::BranchFuture = match branch {
                            #( #indices => ::std::boxed::Box::pin(async move {
                                #branch_fns(&integrations, ctx, input).await
                            }), )*
                            _ => ::std::boxed::Box::pin(async move {
                                #result::Err(#error::runtime("no such Parallel branch"))
                            }),
                        };
                        future
                    }).await
                }};
                let outcome = outcome(call, &parallel.transition, &parallel.catch, targets);
                quote! { #get #outcome }
            }
            StateKind::Map(map) => {
                let processor = self.machine(&map.item_processor.machine);
                let items_path = map.items_path.as_ref().map(|p| {
                    let p = path(p.text);
                    quote!(::core::option::Option::Some(#p))
                });
                let item_selector = map
                    .item_selector
                    .as_ref()
                    .filter(|_| !jsonata)
                    .map(|t| template(Some(t)));
                let jsonata_item_selector =
                    map.item_selector.as_ref().filter(|_| jsonata).map(|t| {
                        let v = jsonata_value(t, "ItemSelector");
                        quote!(::core::option::Option::Some(#v))
                    });
                let tolerated_percentage = match &map.tolerated_failure_percentage {
                    Some(Tolerance::Fixed(v)) => {
                        let v = v.value;
                        Some(quote!(::core::option::Option::Some(#rt::spec::Number::Fixed(#v))))
                    }
                    Some(Tolerance::Path(p)) => {
                        let p = path(p.text);
                        Some(quote!(::core::option::Option::Some(#rt::spec::Number::Path(#p))))
                    }
                    Some(Tolerance::Jsonata(_)) | None => None,
                };
                let spec = self.lazy(
                    "SPEC",
                    quote!(#rt::spec::MapSpec),
                    literal(
                        quote!(#rt::spec::MapSpec),
                        quote!(#rt::spec::MapSpec::new(#name)),
                        [
                            ("input_path", input_path),
                            ("items_path", items_path),
                            ("item_selector", item_selector),
                            (
                                "max_concurrency",
                                number(map.max_concurrency.as_ref(), "MaxConcurrency"),
                            ),
                            (
                                "tolerated_failure_count",
                                number(
                                    map.tolerated_failure_count.as_ref(),
                                    "ToleratedFailureCount",
                                ),
                            ),
                            ("tolerated_failure_percentage", tolerated_percentage),
                            ("result_selector", result_selector),
                            ("result_path", result_path),
                            ("output_path", output_path),
                            ("assign", assign),
                            ("retry", retriers(&map.retry)),
                            ("catch", catchers(&map.catch, jsonata)),
                            (
                                "items",
                                map.items.as_ref().map(|t| {
                                    let v = jsonata_value(t, "Items");
                                    quote!(::core::option::Option::Some(#v))
                                }),
                            ),
                            ("jsonata_item_selector", jsonata_item_selector),
                            ("jsonata", state_io.clone()),
                        ],
                    ),
                );
                let get = get(&spec);
                let call = quote! {{
                    let integrations = <::std::sync::Arc<I> as ::core::clone::Clone>::clone(integrations);
                    #rt::state::run_map(&mut ctx, spec, data, move |ctx, input| {
                        let integrations = <::std::sync::Arc<I> as ::core::clone::Clone>::clone(&integrations);
                        async move { #processor(&integrations, ctx, input).await }
                    }).await
                }};
                let outcome = outcome(call, &map.transition, &map.catch, targets);
                quote! { #get #outcome }
            }
        }
    }

    /// A Choice rule as a boolean expression over the runtime's comparison helpers. In scope:
    /// `input: &Value` (the effective input) and `env: &Env`; `?` returns `StatesError`.
    fn rule(&mut self, rule: &ChoiceRule) -> TokenStream {
        match rule {
            ChoiceRule::And(rules, _) => {
                let parts: Vec<TokenStream> = rules.iter().map(|r| self.rule(r)).collect();
                if parts.is_empty() {
                    quote!(true)
                } else {
                    quote!((#(#parts)&&*))
                }
            }
            ChoiceRule::Or(rules, _) => {
                let parts: Vec<TokenStream> = rules.iter().map(|r| self.rule(r)).collect();
                if parts.is_empty() {
                    quote!(false)
                } else {
                    quote!((#(#parts)||*))
                }
            }
            ChoiceRule::Not(inner, _) => {
                let inner = self.rule(inner);
                quote!((!#inner))
            }
            ChoiceRule::Comparison(c) => self.comparison(c),
            ChoiceRule::Condition(t) => {
                let rt = rt();
                let value = jsonata_value(t, "Condition");
                let compiled = self.lazy("CONDITION", quote!(#rt::jsonata::JsonataValue), value);
                quote!(#rt::jsonata::condition(::asl::__private::spec(&#compiled)?, input, env)?)
            }
            // Invalid rules are model errors, reported before generation.
            ChoiceRule::Invalid(_) => quote!(false),
        }
    }

    fn comparison(&mut self, c: &Comparison) -> TokenStream {
        use ComparisonOperator as Op;
        let rt = rt();
        let choice = quote!(#rt::choice);
        let variable = self.path_static(c.variable.text);
        let op = c.operator.value;
        if op == Op::IsPresent {
            let expected = literal_bool(&c.operand);
            return quote!((#choice::is_present(#variable?, input, env) == #expected));
        }
        let value = quote!(&*#choice::variable(#variable?, input, env)?);
        let type_test = match op {
            Op::IsNull => Some(quote!(is_null)),
            Op::IsNumeric => Some(quote!(is_numeric)),
            Op::IsString => Some(quote!(is_string)),
            Op::IsBoolean => Some(quote!(is_boolean)),
            Op::IsTimestamp => Some(quote!(is_timestamp)),
            _ => None,
        };
        if let Some(test) = type_test {
            let expected = literal_bool(&c.operand);
            return quote!((#choice::#test(#value) == #expected));
        }
        let name = snake(op.name(), "compare");
        let literal = match &c.operand {
            Operand::Path(other) => {
                let f = format_ident!("{}_path", name);
                let other = self.path_static(other.text);
                return quote!(#choice::#f(#value, &*#choice::variable(#other?, input, env)?));
            }
            Operand::Literal(node) => node.to_json_value(),
        };
        let f = format_ident!("{}", name);
        match op {
            Op::StringMatches => {
                let pattern = string(literal.as_str().unwrap_or_default());
                let compiled = self.lazy(
                    "PATTERN",
                    quote!(#choice::StringPattern),
                    quote!(#choice::StringPattern::compile(#pattern)?),
                );
                quote!(#choice::string_matches(
                    #value,
                    ::asl::__private::spec(&#compiled)?
                ))
            }
            Op::NumericEquals
            | Op::NumericLessThan
            | Op::NumericGreaterThan
            | Op::NumericLessThanEquals
            | Op::NumericGreaterThanEquals => {
                let n = literal.as_f64().unwrap_or_default();
                quote!(#choice::#f(#value, #n))
            }
            Op::TimestampEquals
            | Op::TimestampLessThan
            | Op::TimestampGreaterThan
            | Op::TimestampLessThanEquals
            | Op::TimestampGreaterThanEquals => {
                let text = string(literal.as_str().unwrap_or_default());
                let parsed = self.lazy(
                    "TIMESTAMP",
                    quote!(#choice::Timestamp),
                    quote!(#choice::parse_timestamp(#text)?),
                );
                quote!(#choice::#f(
                    #value,
                    ::asl::__private::spec(&#parsed)?
                ))
            }
            Op::BooleanEquals => {
                let b = literal.as_bool().unwrap_or_default();
                quote!(#choice::#f(#value, #b))
            }
            _ => {
                let s = string(literal.as_str().unwrap_or_default());
                quote!(#choice::#f(#value, #s))
            }
        }
    }

    /// A path compiled once; the expression has type `Result<&Path, StatesError>`.
    fn path_static(&mut self, text: &str) -> TokenStream {
        let rt = rt();
        let lit = string(text);
        let name = self.lazy(
            "PATH",
            quote!(#rt::path::Path),
            quote!(#rt::path::Path::parse(#lit)?),
        );
        quote!(::asl::__private::spec(&#name))
    }
}

/// A spec as a struct literal that spells out only what differs from the runtime's defaults:
/// `Ty { field: value, ..Ty::new(…) }`.
fn literal<const N: usize>(
    ty: TokenStream,
    constructor: TokenStream,
    fields: [(&str, Option<TokenStream>); N],
) -> TokenStream {
    let fields = fields.into_iter().filter_map(|(name, value)| {
        let name = format_ident!("{}", name);
        value.map(|v| quote!(#name: #v,))
    });
    quote!(#ty { #(#fields)* ..#constructor })
}

/// Maps state names of one machine to its enum's variants.
struct Targets<'a> {
    enum_name: &'a Ident,
    machine: &'a StateMachine<'a>,
    variants: &'a [Ident],
}

impl Targets<'_> {
    /// An expression that moves to the named state.
    fn goto(&self, name: &str) -> TokenStream {
        let enum_name = self.enum_name;
        match self
            .machine
            .states
            .index_of(name)
            .and_then(|i| self.variants.get(i))
        {
            Some(v) => quote!(#enum_name::#v),
            // The model reports unknown targets as errors before generation; fail the
            // execution rather than emit code that does not compile.
            None => {
                let error = error_ty();
                let cause = format!("no state named `{name}`");
                quote!(return ::core::result::Result::Err(#error::runtime(#cause)))
            }
        }
    }

    /// Where to go after a state that completed normally.
    fn after(&self, transition: &Transition) -> TokenStream {
        match transition {
            Transition::Next(next) => self.goto(next.value),
            Transition::End(_) => quote!(return ::core::result::Result::Ok(data)),
        }
    }
}

/// Moves to the next state after a driver's `StateOutcome`: `Next`, a catcher's `Next`, or
/// out of the machine with the uncaught error (`?`).
fn outcome(
    call: TokenStream,
    transition: &Transition,
    catchers: &[Catcher],
    targets: &Targets<'_>,
) -> TokenStream {
    let next = targets.after(transition);
    if catchers.is_empty() {
        return quote! {
            data = ::asl::__private::outcome(#call)?.0;
            #next
        };
    }
    let result = result();
    let error = error_ty();
    let arms = catchers.iter().enumerate().map(|(i, c)| {
        let target = targets.goto(c.next.value);
        quote!(::core::option::Option::Some(#i) => #target,)
    });
    quote! {
        let (output, caught) = ::asl::__private::outcome(#call)?;
        data = output;
        match caught {
            ::core::option::Option::None => #next,
            #(#arms)*
            ::core::option::Option::Some(_) => {
                return #result::Err(#error::runtime("no such catcher"));
            }
        }
    }
}

/// The string value written at `span` (a quoted JSON/YAML string or a plain YAML scalar).
fn string_at(source: &str, span: asl_model::Span) -> String {
    let raw = span.slice(source).unwrap_or_default().trim();
    if raw.starts_with('"') {
        return serde_json::from_str::<String>(raw)
            .unwrap_or_else(|_| raw.trim_matches('"').to_owned());
    }
    if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    raw.to_owned()
}

fn literal_bool(operand: &Operand) -> bool {
    match operand {
        Operand::Literal(node) => node.as_bool().unwrap_or(true),
        Operand::Path(_) => true,
    }
}

fn pattern_tokens(pattern: IntegrationPattern) -> TokenStream {
    let rt = rt();
    match pattern {
        IntegrationPattern::RequestResponse => {
            quote!(#rt::integration::Pattern::RequestResponse)
        }
        IntegrationPattern::RunJob => quote!(#rt::integration::Pattern::RunJob),
        IntegrationPattern::RunJobV2 => quote!(#rt::integration::Pattern::RunJobV2),
        IntegrationPattern::Callback => quote!(#rt::integration::Pattern::Callback),
    }
}

/// `Path::parse(text)?` (inside a spec initialiser).
fn path(text: &str) -> TokenStream {
    let rt = rt();
    let text = string(text);
    quote!(#rt::path::Path::parse(#text)?)
}

fn io_path(value: Option<&IoPath>) -> TokenStream {
    let text = match value {
        None => "$",
        Some(IoPath::Null(_)) => return none(),
        Some(IoPath::Path(p)) => p.text,
    };
    let text = string(text);
    quote!(::asl::__private::path(#text)?)
}

fn result_path(value: Option<&ResultPath>) -> TokenStream {
    let rt = rt();
    match value {
        None => quote!(#rt::dataflow::ResultPathSpec::Default),
        Some(ResultPath::Null(_)) => quote!(#rt::dataflow::ResultPathSpec::Discard),
        Some(ResultPath::Path(p)) => {
            let text = string(p.text);
            quote!(#rt::dataflow::ResultPathSpec::parse(#text)?)
        }
    }
}

/// A template as the JSON the runtime compiles (with the `.$` suffixes restored).
pub fn template_json(t: &Template) -> serde_json::Value {
    use serde_json::Value;
    match t {
        Template::Object { members, .. } => Value::Object(
            members
                .iter()
                .map(|m| {
                    let key = if m.dynamic {
                        format!("{}.$", m.key.value)
                    } else {
                        m.key.value.to_string()
                    };
                    (key, template_json(&m.value))
                })
                .collect(),
        ),
        Template::Array { items, .. } => Value::Array(items.iter().map(template_json).collect()),
        Template::Literal(node) => node.to_json_value(),
        Template::Dynamic(d) => Value::String(d.text.to_string()),
        Template::Jsonata(e) => Value::String(format!("{{%{}%}}", e.body)),
    }
}

fn template(t: Option<&Template>) -> TokenStream {
    let Some(t) = t else { return none() };
    let text = string(&template_json(t).to_string());
    quote!(::asl::__private::template(#text)?)
}

fn compiled_assign(t: &Template) -> TokenStream {
    let rt = rt();
    let text = string(&template_json(t).to_string());
    quote!(#rt::variables::Assign::compile(&::asl::__private::json(#text)?)?)
}

fn assign(t: Option<&Template>) -> TokenStream {
    let Some(t) = t else { return none() };
    let text = string(&template_json(t).to_string());
    quote!(::asl::__private::assign(#text)?)
}

fn seconds(c: &Count, field: &str) -> TokenStream {
    let rt = rt();
    match c {
        Count::Fixed(v) => {
            let v = v.value;
            quote!(#rt::spec::Seconds::Fixed(#v))
        }
        Count::Path(p) => {
            let p = path(p.text);
            quote!(#rt::spec::Seconds::Path(#p))
        }
        Count::Jsonata(e) => {
            let v = jsonata_expr(e, field);
            quote!(#rt::spec::Seconds::Jsonata(#v))
        }
    }
}

fn number(c: Option<&Count>, field: &str) -> Option<TokenStream> {
    let rt = rt();
    let opt = option();
    Some(match c {
        Some(Count::Fixed(v)) => {
            let v = v.value as f64;
            quote!(#opt::Some(#rt::spec::Number::Fixed(#v)))
        }
        Some(Count::Path(p)) => {
            let p = path(p.text);
            quote!(#opt::Some(#rt::spec::Number::Path(#p)))
        }
        Some(Count::Jsonata(e)) => {
            let v = jsonata_expr(e, field);
            quote!(#opt::Some(#rt::spec::Number::Jsonata(#v)))
        }
        None => return None,
    })
}

fn error_equals(names: &[SpannedStr]) -> TokenStream {
    let names = names.iter().map(|n| string(n.value));
    quote!(&[#(#names),*])
}

fn retriers(retry: &[Retrier]) -> Option<TokenStream> {
    if retry.is_empty() {
        return None;
    }
    let rt = rt();
    let items = retry.iter().map(|r| {
        let errors = error_equals(r.error_equals);
        let interval = r.interval();
        let attempts = r.attempts();
        let backoff = r.backoff();
        let max_delay = match &r.max_delay_seconds {
            Some(v) => {
                let v = v.value;
                quote!(::core::option::Option::Some(#v))
            }
            None => none(),
        };
        let jitter = match r.jitter_strategy.as_ref().map(|j| j.value) {
            Some(JitterStrategy::Full) => quote!(#rt::spec::Jitter::Full),
            _ => quote!(#rt::spec::Jitter::None),
        };
        quote!(#rt::spec::Retrier {
            error_equals: #errors,
            interval_seconds: #interval,
            max_attempts: #attempts,
            backoff_rate: #backoff,
            max_delay_seconds: #max_delay,
            jitter: #jitter,
        })
    });
    Some(quote!(::std::vec![#(#items),*]))
}

fn catchers(catch: &[Catcher], jsonata: bool) -> Option<TokenStream> {
    if catch.is_empty() {
        return None;
    }
    let rt = rt();
    let items = catch.iter().map(|c| {
        let errors = error_equals(c.error_equals);
        let result_path = result_path(c.result_path.as_ref());
        let (assign, io) = if jsonata {
            let io = jsonata_io(c.output.as_ref(), c.assign.as_ref());
            (none(), quote!(::core::option::Option::Some(#io)))
        } else {
            (assign(c.assign.as_ref()), none())
        };
        quote!(#rt::spec::Catcher {
            error_equals: #errors,
            result_path: #result_path,
            assign: #assign,
            jsonata: #io,
        })
    });
    Some(quote!(::std::vec![#(#items),*]))
}

fn fail_field(text: Option<&Text>, field: &str) -> TokenStream {
    let rt = rt();
    match text {
        None => none(),
        Some(Text::Fixed(s)) => {
            let s = string(s.value);
            quote!(::core::option::Option::Some(#rt::spec::FailField::Literal(#s)))
        }
        Some(Text::Path(d)) => {
            let s = string(d.text);
            quote!(::core::option::Option::Some(#rt::spec::FailField::dynamic(#s)?))
        }
        Some(Text::Jsonata(e)) => {
            let v = jsonata_expr(e, field);
            quote!(::core::option::Option::Some(#rt::spec::FailField::Jsonata(#v)))
        }
    }
}

/// A JSONata field value (JSON whose `{% … %}` strings are expressions), compiled at first use.
fn jsonata_value(t: &Template, field: &str) -> TokenStream {
    let rt = rt();
    let text = string(&template_json(t).to_string());
    quote!(#rt::jsonata::JsonataValue::compile(&::asl::__private::json(#text)?, #field)?)
}

/// One `{% … %}` string as a JSONata field value.
fn jsonata_expr(e: &JsonataExpr, field: &str) -> TokenStream {
    let rt = rt();
    let value = serde_json::Value::String(format!("{{%{}%}}", e.body));
    let text = string(&value.to_string());
    quote!(#rt::jsonata::JsonataValue::compile(&::asl::__private::json(#text)?, #field)?)
}

/// `JsonataIo { output, assign }` of a JSONata state, Choice rule or catcher.
fn jsonata_io(output: Option<&Template>, assign: Option<&Template>) -> TokenStream {
    let rt = rt();
    let wrap = |t: Option<&Template>, field: &str| match t {
        Some(t) => {
            let v = jsonata_value(t, field);
            quote!(::core::option::Option::Some(#v))
        }
        None => none(),
    };
    let output = wrap(output, "Output");
    let assign = wrap(assign, "Assign");
    quote!(#rt::jsonata::JsonataIo { output: #output, assign: #assign })
}
