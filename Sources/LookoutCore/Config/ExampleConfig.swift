/// The configuration `lookout config example` prints: every section with its defaults explained, a dated price
/// table, and ready-made metrics and routing endpoints. It validates as is (a test keeps it so).
public enum ExampleConfig {
    /// The date of the built-in price table the example copies.
    public static var pricesAsOf: String { PriceTable.builtInDate }

    /// The built-in list prices, written out so they can be edited (a `prices:` section replaces them whole).
    public static var prices: PriceTable { PriceTable.builtIn }

    /// A `prices:` section as YAML, with the date of the reference table.
    public static func pricesYAML(_ prices: PriceTable = prices) -> String {
        var lines = ["# List prices, USD per million tokens, copied from the providers' price pages on \(pricesAsOf).",
                     "# Prices change: check them. Used only for calls whose log line or metrics carry no cost.",
                     "# Without a prices: section lookout uses this same built-in table; with one, only yours.",
                     "prices:"]
        for provider in prices.prices.keys.sorted() {
            lines.append("  \(provider):")
            for (model, price) in prices.prices[provider]!.sorted(by: { $0.key < $1.key }) {
                lines.append("    \(model): { input: \(format(price.inputPerMillion)), output: \(format(price.outputPerMillion)) }")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? NumberText.fixed(value, 1) : String(format: "%g", value)
    }

    /// The whole example file.
    public static var yaml: String {
        """
        # lookout example configuration — `lookout config example > lookout.yaml`, then edit.
        # Lookup order: --config, $LOOKOUT_CONFIG, ./lookout.yaml, $XDG_CONFIG_HOME/lookout/config.yaml.
        current-context: prod
        log-buffer: 50000            # records kept for the Logs screen
        log-buffer-mb: 64            # and the most memory they may take

        # Secrets are referenced as ${secret:NAME}, never written here.
        secrets:
          LITELLM_KEY: { env: LITELLM_MASTER_KEY }
          ADMIN_TOKEN: { file: /run/secrets/chat-admin-token }
          GITHUB_TOKEN: { env: GITHUB_DISPATCH_TOKEN }
          # OPENAI_ADMIN: { command: [aws, secretsmanager, get-secret-value, --secret-id, openai-admin, --query, SecretString, --output, text] }

        \(pricesYAML())
        # Metric mappings beyond the presets (litellm, otel-genai, app): start from one and rename what differs.
        metric-mappings:
          my-gateway:
            base: otel-genai
            provider-labels: [llm_vendor]
          my-app:                                # one counter for both outcomes, as prometheus_client apps write it
            provider-labels: [provider]
            model-labels: [model]
            requests: llm_requests               # llm_requests_total{provider,model,status="success"|"error"}
            outcome-label: status
            failure-values: [error, failure]
            latency: llm_request_duration_seconds
            tokens: llm_tokens                   # llm_tokens_total{type="input"|"output"}
            token-type-label: type
            spend: llm_cost_usd

        contexts:
          prod:
            protected: true                      # dangerous actions need the service's name typed
            time-zone: Europe/Berlin             # calendar budget periods (default UTC)
            budgets:                             # the most urgent one is in the header; each alerts as it runs out
              - name: month
                scope: all                       # all | provider:openai | model:openai/gpt-4o | service:chat-api
                period: month                    # hour | day | week | month | rolling 1h
                limit-usd: 5000                  # or limit-tokens: 2000000
              - name: openai-day
                scope: provider:openai
                period: day
                limit-usd: 300
                warn: [80, 100]                  # percentages (default 50, 80, 100)
            slo:                                 # burn-rate (1h/5m at 14.4x, 6h/30m at 6x) and latency alerts per provider
              availability: 99.5
              latency-p95: 4s
            alert-rules:                         # each rule's own times (else the built-in ones)
              error-rate: { for: 2m, clear: 1m }
            notify:                              # where alerts go: slack | json | alertmanager
              - name: oncall
                kind: alertmanager
                url: http://alertmanager.internal:9093
                severity: critical
            prometheus: http://prometheus.internal:9090     # read by metrics: { prometheus: … }, discover: and queries:
            alertmanager: http://alertmanager.internal:9093 # its alerts on the Alerts screen (5), silenced there with S
            queries:                             # PromQL of your own under Queries; past a line, a `query` alert
              - name: gateway p95
                query: 'histogram_quantile(0.95, sum by (le) (rate(litellm_request_total_latency_metric_bucket{job="litellm"}[5m])))'
                unit: seconds                    # number | seconds | milliseconds | percent | ratio | dollars | bytes | per-second
                warn: "> 4"
                critical: "> 10"
                service: litellm                 # also on its detail screen
            discover:                            # services from Prometheus' targets; they join and leave as the targets do
              - targets: 'job="embed-workers",namespace="prod"'
                name: "{{pod}}"
                health: /healthz                 # else Prometheus' up{job,instance}
                refresh: 30s
            services:
              - name: chat-api
                platform: Cloud Run
                url: https://chat.example.com
                health: /health                  # liveness
                readiness: /health/ready         # dependency checks: {"status":…,"checks":{…}}
                interval: 10s
                timeout: 3s
                failure-threshold: 3             # probes in a row before the state gets worse
                success-threshold: 2             # … or better
                conditions:
                  - "[STATUS] == 200"
                  - "[RESPONSE_TIME] < 800"
                  - "[CERTIFICATE_EXPIRATION] > 168h"
                routing:                         # failover state: {"providers":{"openai":"primary",…}}
                  path: /admin/routing
                  headers:
                    Authorization: "Bearer ${secret:ADMIN_TOKEN}"
                version: { header: X-App-Version }   # default: the bodies' version/revision/commit…; or path + field
                logs:
                  - command: [gcloud, logging, tail, "resource.type=cloud_run_revision AND resource.labels.service_name=chat-api", --format=json]
                    mapping: gcp
                actions:                         # templates: {{service}} {{provider}} {{role}} {{context}} {{url}}
                  failover:                      # x / s / p on the Providers screen; takes {{provider}} and {{role}}
                    kind: http
                    method: POST
                    url: "{{url}}/admin/failover"
                    headers: { Authorization: "Bearer ${secret:ADMIN_TOKEN}" }
                    body: '{"provider":"{{provider}}","role":"{{role}}"}'
                    confirm: yes                 # or type-name
                    timeout: 10s
                    expect: 200
                  redeploy:                      # R on the service; Cloud Run: a new revision of the same image
                    kind: command                # argv, never a shell
                    argv: [gcloud, run, deploy, "{{service}}", --region=europe-west1, --image=europe-docker.pkg.dev/acme/ai/chat-api:stable, --quiet]
                    confirm: type-name
                    timeout: 10m
                    expect: 0
                    follow-up: { watch: readiness, timeout: 5m }
                  ship-workflow:                 # a GitHub Actions workflow_dispatch webhook
                    kind: http
                    url: https://api.github.com/repos/acme/chat-api/actions/workflows/deploy.yml/dispatches
                    headers:
                      Authorization: "Bearer ${secret:GITHUB_TOKEN}"
                      Accept: application/vnd.github+json
                    body: '{"ref":"main","inputs":{"environment":"{{context}}"}}'
                    expect: 204
              - name: litellm
                platform: Kubernetes
                url: https://llm-gateway.internal:4000
                health: /health/liveliness
                readiness: /health/readiness
                headers:
                  Authorization: "Bearer ${secret:LITELLM_KEY}"
                deep: { path: /health, interval: 15m, timeout: 60s }   # calls every model: costs money
                version:                         # LiteLLM's litellm_version is only in its authenticated details
                  path: /health/readiness/details
                  headers: { Authorization: "Bearer ${secret:LITELLM_KEY}" }
                  interval: 1m
                metrics:                         # its LLM calls are counted from here, not from its logs
                  path: /metrics
                  mapping: litellm
                  interval: 15s
                logs:
                  - file: /var/log/litellm/payloads.jsonl   # StandardLoggingPayloads of its generic_api callback
                    mapping: litellm
                  - command: [kubectl, logs, -f, deployment/litellm, --since=10m]   # its own JSON logs: events
                    mapping: app
                actions:
                  redeploy:                      # Kubernetes
                    argv: [kubectl, --context, "{{context}}", rollout, restart, "deployment/{{service}}"]
                    confirm: type-name
                    timeout: 1m
                    follow-up: { watch: readiness, timeout: 5m }
                  # ECS:  argv: [aws, ecs, update-service, --cluster, ai-prod, --service, "{{service}}", --force-new-deployment]
                  # Azure Container Apps:  argv: [az, containerapp, update, --name, "{{service}}", --resource-group, ai-prod, --revision-suffix, redeploy]
              - name: support-bot                # an ordinary FastAPI app with its own admin API
                platform: Container Apps
                url: https://support.example.com
                metrics: { path: /metrics, mapping: my-app }
                routing:                         # {"primary":"openai","failover_enabled":true,"forced_down":[]}
                  path: /admin/llm
                  headers: { Authorization: "Bearer ${secret:ADMIN_TOKEN}" }
                  primary: "[BODY].primary"
                  disabled: "[BODY].forced_down"
                  enabled: "[BODY].failover_enabled"
                  providers: [openai, anthropic]
                actions:
                  failover:
                    url: "{{url}}/admin/llm/primary"
                    headers: { Authorization: "Bearer ${secret:ADMIN_TOKEN}" }
                    body: '{"provider":"{{provider}}"}'
                    roles: [primary]             # its API can only make a provider primary
          staging:
            services:
              - name: chat-api
                url: https://chat.staging.example.com
                logs:
                  - file: /var/log/chat-api/*.log
                    mapping: app

        """
    }
}
