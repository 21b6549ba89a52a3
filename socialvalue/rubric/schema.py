"""The JSON Schema of the rubric format, for editors that autocomplete YAML (docs/rubric.schema.json)."""

from __future__ import annotations

import json

from .models import Rubric


def rubric_schema() -> dict[str, object]:
    schema = Rubric.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "socialvalue rubric"
    return schema


def rubric_schema_json() -> str:
    return json.dumps(rubric_schema(), indent=2, sort_keys=True) + "\n"
