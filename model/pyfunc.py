"""mlflow "models from code" definition of soc-coder's pyfunc flavour (nothing is pickled).

training.tracking logs this file as the python_model, the saved model directory as the artifact `model_dir`
and the `model` package as code, so `mlflow.pyfunc.load_model(uri).predict(frame)` codes a DataFrame with
job_title / job_description / industry columns and returns the result columns.
"""

from __future__ import annotations

import mlflow
import pandas as pd
from mlflow.pyfunc import PythonModel


class SocCoderPyfunc(PythonModel):
    def load_context(self, context):
        from model.coder import SocCoder

        self.coder = SocCoder.load(context.artifacts["model_dir"])

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        from model.results import RESULT_COLUMNS
        from model.tables import AnswerColumns, answers_from_frame

        frame = pd.DataFrame(model_input).fillna("").astype(str)
        results = self.coder.code(answers_from_frame(frame, AnswerColumns()))
        return pd.DataFrame([r.as_row() for r in results], columns=RESULT_COLUMNS)


mlflow.models.set_model(SocCoderPyfunc())
