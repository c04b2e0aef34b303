"""PyTorch front end: a module + example inputs -> `Graph` (torch is imported inside the functions).

`trace` tries torch.fx (symbolic trace + shapes propagated node by node: the static graph) and falls
back to the hook tracer for models fx cannot trace (data-dependent control flow): forward hooks give
the module calls and their paths, a `TorchFunctionMode` sees every tensor function between them, and
tensor identity gives the data dependencies of the one path the example input takes. The `Graph`
says which tracer was used (``tracer`` = fx | hooks).

Both run on tensors that hold no data (torch's ``FakeTensorMode``: shapes only), so the size of the
input costs nothing. A model whose Python code reads tensor values (``if x.sum() > 0``) cannot run
without data: it is run once more on real tensors (the example tensors given, or zeros) when every
input holds at most `inputs.MAX_REAL_ELEMENTS` elements. A forward that raises is one error naming
the model and its exception.
"""
from __future__ import annotations

from math import prod

from ..errors import CostModelError
from .events import fname, function_event, is_handled, module_event
from .graph import Graph, GraphBuilder
from .inputs import MAX_REAL_ELEMENTS, check_shape


def _inputs(example_input) -> tuple:
    """Example tensors or shapes -> a tuple of tensors and shape tuples (shapes validated)."""
    import torch
    if isinstance(example_input, torch.Size) or (isinstance(example_input, (tuple, list)) and example_input and
                                                  all(isinstance(v, int) for v in example_input)):
        example_input = (example_input,)                        # one shape
    xs = example_input if isinstance(example_input, (tuple, list)) else (example_input,)
    if not xs or not all(isinstance(x, (torch.Tensor, tuple, list, torch.Size)) for x in xs):
        raise CostModelError("example_input must be a tensor, a shape, or a tuple of them, "
                             "e.g. torch.randn(1, 3, 224, 224) or (1, 3, 224, 224)")
    return tuple(x if isinstance(x, torch.Tensor) else check_shape(x, "example input shape") for x in xs)


def _shape_text(xs) -> str:
    return ", ".join("x".join(map(str, getattr(x, "shape", x))) for x in xs)


def _why(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__


def trace(module, example_input, tracer: str = "auto", name: str | None = None) -> Graph:
    """The graph of `module` on `example_input` (tensors or shapes); tracer: auto (fx, else hooks) | fx | hooks.
    `name` names the model in errors (default: its class name)."""
    import torch
    if tracer not in ("auto", "fx", "hooks"):
        raise CostModelError(f"unknown tracer {tracer!r} (use auto, fx or hooks)")
    if not isinstance(module, torch.nn.Module):
        raise CostModelError(f"expected a torch.nn.Module, got {type(module).__name__}")
    xs = _inputs(example_input)
    label = name or type(module).__name__
    was_training, threads = module.training, torch.get_num_threads()
    module.eval()
    torch.set_num_threads(1)          # one forward pass for the shapes: threads only contend on a busy machine
    try:
        with torch.no_grad():
            if tracer == "hooks" or is_handled(module):   # a bare layer: fx would trace its F.conv2d
                return _hooks(module, xs, label)
            try:
                gm = _symbolic_trace(module)
            except Exception as e:       # fx cannot trace it (control flow on values, ...): run it
                if tracer == "fx":
                    raise CostModelError(f"torch.fx cannot trace model {label}: {_why(e)} "
                                         f"(use tracer='hooks')") from None
                return _hooks(module, xs, label)
            try:
                return trace_fx(gm, _fake_inputs(xs))
            except CostModelError:
                raise
            except Exception as e:       # the forward fails without data (or at all): the hook tracer says which
                if tracer == "fx":
                    raise CostModelError(f"model {label}: forward failed on input {_shape_text(xs)} ({_why(e)})") \
                        from None
                return _hooks(module, xs, label)
    finally:
        module.train(was_training)
        torch.set_num_threads(threads)


def _symbolic_trace(module):
    """torch.fx's symbolic trace, entering torch.nn modules we have no cost model for but that hold others
    (nn.TransformerEncoder and its layers: their attention and Linears are costed)."""
    import torch.fx

    class Tracer(torch.fx.Tracer):
        def is_leaf_module(self, m, qualname):
            return is_handled(m) or (super().is_leaf_module(m, qualname) and next(m.children(), None) is None)
    tracer = Tracer()
    graph = tracer.trace(module)
    return torch.fx.GraphModule(tracer.root, graph, type(module).__name__)


class _Quiet:
    """Fake tensors log a failing op (a traceback on stderr) before raising it: we report it in one line."""

    def __init__(self, mode):
        import logging
        self.mode, self.log = mode, logging.getLogger("torch._subclasses.fake_tensor")

    def __enter__(self):
        self.disabled, self.log.disabled = self.log.disabled, True
        return self.mode.__enter__()

    def __exit__(self, *exc):
        self.log.disabled = self.disabled
        return self.mode.__exit__(*exc)


def _fake_inputs(xs):
    """(fake mode (entered quietly), tensors without data of the shapes of `xs`)."""
    import torch
    from torch._subclasses.fake_tensor import FakeTensorMode
    mode = _Quiet(FakeTensorMode(allow_non_fake_inputs=True))     # parameters become fake as they are used
    with mode:
        return mode, [torch.empty(tuple(getattr(x, "shape", x)), dtype=getattr(x, "dtype", torch.float32))
                      for x in xs]


def _hooks(module, xs, label: str) -> Graph:
    """The hook tracer on fake tensors; on real ones if the model needs data and its inputs are small."""
    import torch
    try:
        return trace_hooks(module, _fake_inputs(xs))
    except CostModelError:
        raise
    except Exception as e:
        fake_error = e
    big = max(prod(getattr(x, "shape", x)) for x in xs)
    if big > MAX_REAL_ELEMENTS:
        raise CostModelError(f"model {label}: forward failed on input {_shape_text(xs)} without data "
                             f"({_why(fake_error)}); a model that reads tensor values is run on real data only up "
                             f"to {MAX_REAL_ELEMENTS:,} elements per input")
    real = [x if isinstance(x, torch.Tensor) else torch.zeros(x) for x in xs]
    try:
        return trace_hooks(module, (None, real))
    except CostModelError:
        raise
    except Exception as e:
        raise CostModelError(f"model {label}: forward failed on input {_shape_text(xs)} ({_why(e)})") from None


def trace_fx(gm, fake) -> Graph:
    """The graph of a symbolically traced module `gm`, shapes from running it on `fake` = (mode, inputs)."""
    import torch
    import torch.fx
    mode, xs = fake

    class Shapes(torch.fx.Interpreter):
        def run_node(self, n):
            r = super().run_node(n)
            n.meta["shape"] = tuple(r.shape) if isinstance(r, torch.Tensor) else None
            return r
    with mode:
        Shapes(gm).run(*xs)
    b, env, outputs = GraphBuilder("fx"), {}, []

    def deps_of(*args):
        found = []
        torch.fx.node.map_arg(args, lambda n: found.append(n))
        return frozenset().union(*[env.get(n, frozenset()) for n in found])

    def shape(n):
        return n.meta.get("shape") if isinstance(n, torch.fx.Node) else None

    for node in gm.graph.nodes:
        out = shape(node) or ()
        tensors = [a for a in (*node.args, *node.kwargs.values()) if shape(a) is not None]
        shapes = [shape(t) for t in tensors]
        if node.op == "placeholder":
            env[node] = b.input(node.target, out)
        elif node.op == "get_attr":
            env[node] = frozenset()
        elif node.op == "call_module":
            env[node] = module_event(b, node.target, gm.get_submodule(node.target), shapes[0] if shapes else (), out,
                                     deps_of(node.args, node.kwargs), shapes)
        elif node.op in ("call_function", "call_method"):
            what = fname(node.target)
            stack = node.meta.get("nn_module_stack") or {}
            scope = list(stack)[-1] if stack else ""
            if what in ("cat", "concat", "concatenate") and node.args and isinstance(node.args[0], (list, tuple)):
                tensors = list(node.args[0])
            dims = node.kwargs.get("dim", node.kwargs.get("output_size", node.args[1] if len(node.args) > 1 else None))
            env[node] = function_event(b, scope, what, len(tensors), deps_of(node.args, node.kwargs),
                                       shape(tensors[0]) or () if tensors else (), out, dims, shapes)
        elif node.op == "output":
            outputs = deps_of(node.args)
    return b.graph(outputs)


def trace_hooks(module, run) -> Graph:
    """Run the module once on `run` = (fake mode or None, inputs); record leaf-module calls (hooks) and
    tensor functions (a TorchFunctionMode)."""
    import contextlib
    import torch
    from torch.overrides import TorchFunctionMode
    from torch.utils._pytree import tree_flatten
    mode, xs = run
    b = GraphBuilder("hooks")
    values, keep, stack, state = {}, [], [], {"inside": 0, "busy": False}
    paths = {id(m): name for name, m in module.named_modules()}
    if is_handled(module):         # a bare layer: name its row after its type
        paths[id(module)] = type(module).__name__

    def tensors(obj):
        return [t for t in tree_flatten(obj)[0] if isinstance(t, torch.Tensor)]

    def deps_of(obj):
        return frozenset().union(*[values.get(id(t), frozenset()) for t in tensors(obj)])

    def bind(obj, value):
        for t in tensors(obj):
            values[id(t)] = value
            keep.append(t)        # keeps ids unique while tracing

    for i, x in enumerate(xs):
        bind(x, b.input(f"input{i}" if len(xs) > 1 else "x", tuple(x.shape)))

    class Mode(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            out = func(*args, **kwargs)
            if state["inside"] or state["busy"] or not tensors(out):
                return out
            state["busy"] = True
            try:
                what = fname(func)
                ins = tensors((args, kwargs))
                dims = kwargs.get("dim", kwargs.get("output_size", args[1] if len(args) > 1 else None))
                bind(out, function_event(b, stack[-1] if stack else "", what, len(ins), deps_of((args, kwargs)),
                                         tuple(ins[0].shape) if ins else (), tuple(tensors(out)[0].shape), dims,
                                         [tuple(t.shape) for t in ins]))
            finally:
                state["busy"] = False
            return out

    def pre(mod, args):
        stack.append(paths.get(id(mod), type(mod).__name__))
        if is_handled(mod) and not state["inside"]:
            state["inside"] = id(mod)

    def post(mod, args, kwargs, out):
        name = stack.pop()
        if state["inside"] != id(mod):
            return None
        state["inside"], state["busy"] = 0, True
        try:
            ins = tensors((args, kwargs))
            bind(out, module_event(b, name, mod, tuple(ins[0].shape) if ins else (), tuple(tensors(out)[0].shape),
                                   deps_of((args, kwargs)), [tuple(t.shape) for t in ins]))
        finally:
            state["busy"] = False
        return None

    handles = []
    for m in module.modules():
        if m is not module or is_handled(m):
            handles += [m.register_forward_pre_hook(pre), m.register_forward_hook(post, with_kwargs=True)]
    try:
        with mode or contextlib.nullcontext(), Mode():
            out = module(*xs)
    finally:
        for h in handles:
            h.remove()
    return b.graph(deps_of(out))
