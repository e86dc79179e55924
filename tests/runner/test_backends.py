"""Backend names to evaluators, and how a run's backend is described in its manifest."""

from __future__ import annotations

import pytest

from stratsim.errors import StratsimError
from stratsim.runner.backends import backend_description, make_evaluator
from stratsim.runner.dask_backend import DaskEvaluator
from stratsim.runner.evaluators import ProcessPoolEvaluator, SerialEvaluator


def test_backend_choice_and_description():
    assert isinstance(make_evaluator(1, "pool"), SerialEvaluator)
    assert isinstance(make_evaluator(2, "pool"), ProcessPoolEvaluator)
    assert isinstance(make_evaluator(2, "dask"), DaskEvaluator)
    assert backend_description(make_evaluator(2, "pool")) == "process-pool"
    assert backend_description(make_evaluator(2, "dask")) == "dask: local cluster of 2 worker processes"
    assert backend_description(make_evaluator(1, "dask", "tcp://10.0.0.1:8786")) == "dask: scheduler tcp://10.0.0.1:8786"


@pytest.mark.parametrize("args, message", [
    ((1, "pool", "tcp://127.0.0.1:8786"), "--scheduler needs --backend dask"),
    ((1, "ray"), "--backend: expected one of pool, dask"),
    ((0, "pool"), "--jobs: expected at least 1"),
])
def test_bad_combinations_are_user_errors(args, message):
    with pytest.raises(StratsimError, match=message):
        make_evaluator(*args)
