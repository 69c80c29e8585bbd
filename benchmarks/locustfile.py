"""Load for the verification benchmark: every simulated user requests BENCH_PATH back to back."""

import os

from locust import FastHttpUser, constant, task


class Verifier(FastHttpUser):
    wait_time = constant(0)

    @task
    def look_up(self):
        self.client.get(os.environ["BENCH_PATH"], name="lookup")
