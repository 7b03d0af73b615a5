// The router's operations side: health checks, circuit breakers, balancing, alerts, metrics and the
// statistics API. The router core wires these together; each stands alone and is tested alone.
export { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';
export { HealthChecker, tcpProbe, type HealthCheckerOptions, type ProbeFn } from './health-checker.js';
export { SourceBalancer, DEFAULT_FAILURE_THRESHOLD, DEFAULT_OPEN_MS, type BalanceStrategy, type SourceBalancerOptions } from './balancer.js';
export {
  AlertSender,
  slackPayload,
  webhookPayload,
  type Alert,
  type AlertKind,
  type AlertOutcome,
  type AlertSenderOptions,
  type DeliveryOutcome,
  type WebhookPayload,
} from './alerts.js';
export { RouterMetrics, type ByteDirection } from './metrics.js';
export { paginate, parsePageQuery, DEFAULT_PER_PAGE, MAX_PER_PAGE, type PageQuery } from './pagination.js';
export { startRouterApi, isLoopbackHost, type RouterApiOptions, type RouterApiServer, type RouterStatsProvider } from './rest-api.js';
