package scenario

// sharedScenarios is where the scenario files every build must pass live: the shared
// folder beside the repository's root.
const sharedScenarios = "../../../shared/scenarios"
