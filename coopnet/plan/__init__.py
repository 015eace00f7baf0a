"""The action plan: goals, actions, indicators, measures, the dashboard and its report."""
