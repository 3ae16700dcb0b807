"""The service's rules as pure functions; thresholds come from workflow.policy.Policy."""
