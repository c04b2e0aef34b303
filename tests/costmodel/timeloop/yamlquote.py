"""Shared by the timeloop emission tests: which string values a YAML text leaves unquoted."""
import yaml


def unquoted_strings(text: str) -> list:
    """String VALUES written without quotes (timeloopfe would evaluate them as Python)."""
    found = []

    def walk(node, is_key=False):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                walk(k, True)
                walk(v)
        elif isinstance(node, yaml.SequenceNode):
            for v in node.value:
                walk(v)
        elif not is_key and node.tag == "tag:yaml.org,2002:str" and node.style != '"':
            found.append(node.value)
    walk(yaml.compose(text, Loader=yaml.SafeLoader))
    return found
