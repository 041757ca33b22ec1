// The paper's architecture for tests: the one experiments/paper.yaml runs (see bench/).
export { paperArchitecture } from '../../bench/paper-architecture.ts';
