public enum ScenarioModule {}
