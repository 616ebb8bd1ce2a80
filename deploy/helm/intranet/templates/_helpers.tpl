{{/* Names, labels and the pieces every pod of the chart shares. */}}

{{- define "intranet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "intranet.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "intranet.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "intranet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: intranet
{{- end }}

{{/* Selector labels of one component: include "intranet.selectorLabels" (list $ "web") */}}
{{- define "intranet.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "intranet.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "intranet.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}
{{- end }}

{{- define "intranet.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{ default (include "intranet.fullname" .) .Values.serviceAccount.name }}
{{- else -}}
{{ default "default" .Values.serviceAccount.name }}
{{- end -}}
{{- end }}

{{- define "intranet.secretName" -}}
{{- default (include "intranet.fullname" .) .Values.secret.existingSecret }}
{{- end }}

{{- define "intranet.mediaClaimName" -}}
{{- default (printf "%s-media" (include "intranet.fullname" .)) .Values.media.existingClaim }}
{{- end }}

{{/* The data of the ConfigMap: plain settings as environment variables (deploy/README.md). */}}
{{- define "intranet.configData" -}}
{{- $c := .Values.config -}}
DJANGO_SETTINGS_MODULE: intranet.settings.prod
ALLOWED_HOSTS: {{ join "," $c.allowedHosts | quote }}
CSRF_TRUSTED_ORIGINS: {{ join "," $c.csrfTrustedOrigins | quote }}
SITE_URL: {{ $c.siteUrl | quote }}
LANGUAGE_CODE: {{ $c.languageCode | quote }}
TIME_ZONE: {{ $c.timeZone | quote }}
COMMON_TIME_ZONES: {{ join "," $c.commonTimeZones | quote }}
LOG_FORMAT: {{ $c.logFormat | quote }}
LOG_LEVEL: {{ $c.logLevel | quote }}
TRUSTED_PROXY_COUNT: {{ $c.trustedProxyCount | quote }}
CLIENT_IP_HEADER: {{ $c.clientIpHeader | quote }}
FORWARDED_ALLOW_IPS: {{ $c.forwardedAllowIps | quote }}
SECURE_SSL_REDIRECT: {{ $c.secureSslRedirect | quote }}
REQUIRE_MFA_FOR_STAFF: {{ $c.requireMfaForStaff | quote }}
COMMUNITY_CREATION_RESTRICTED: {{ $c.communityCreationRestricted | quote }}
SIGNUP_EMAIL_DOMAINS: {{ join "," $c.signupEmailDomains | quote }}
ATTACHMENTS_ACCEL_REDIRECT_PREFIX: {{ $c.attachmentsAccelRedirectPrefix | quote }}
DEFAULT_FROM_EMAIL: {{ $c.defaultFromEmail | quote }}
{{- if $c.email.host }}
EMAIL_HOST: {{ $c.email.host | quote }}
EMAIL_PORT: {{ $c.email.port | quote }}
EMAIL_HOST_USER: {{ $c.email.user | quote }}
EMAIL_USE_TLS: {{ $c.email.useTls | quote }}
{{- end }}
{{- if $c.oidc.issuer }}
OIDC_ISSUER: {{ $c.oidc.issuer | quote }}
OIDC_CLIENT_ID: {{ $c.oidc.clientId | quote }}
OIDC_NAME: {{ $c.oidc.name | quote }}
{{- end }}
CELERY_TASK_TIME_LIMIT: {{ $c.celery.taskTimeLimit | quote }}
{{- if $c.celery.visibilityTimeout }}
CELERY_VISIBILITY_TIMEOUT: {{ $c.celery.visibilityTimeout | quote }}
{{- end }}
PRIVACY_PRESENCE: {{ $c.privacy.presence | quote }}
PRIVACY_READ_RECEIPTS: {{ $c.privacy.readReceipts | quote }}
PRIVACY_PERSON_FIGURES: {{ $c.privacy.personFigures | quote }}
PRIVACY_MIN_GROUP_SIZE: {{ $c.privacy.minGroupSize | quote }}
PRIVACY_AUDIT_READERS: {{ $c.privacy.auditReaders | quote }}
DATABASE_POOL: {{ .Values.database.pool.enabled | quote }}
DATABASE_POOL_MIN: {{ .Values.database.pool.min | quote }}
DATABASE_POOL_MAX: {{ .Values.database.pool.max | quote }}
DATABASE_POOL_TIMEOUT: {{ .Values.database.pool.timeout | quote }}
DATABASE_CONNECT_TIMEOUT: {{ .Values.database.connectTimeout | quote }}
DATABASE_POOLER: {{ .Values.database.pooler | quote }}
DATABASE_PRIMARY_PIN_SECONDS: {{ .Values.database.primaryPinSeconds | quote }}
{{- if .Values.media.enabled }}
MEDIA_ROOT: {{ .Values.media.mountPath | quote }}
{{- end }}
{{- range $key, $value := $c.extraEnv }}
{{ $key }}: {{ $value | quote }}
{{- end }}
{{- end }}

{{/* The data of the chart's own Secret (not rendered with secret.existingSecret). */}}
{{- define "intranet.secretData" -}}
SECRET_KEY: {{ required "secret.secretKey is required unless secret.existingSecret is set" .Values.secret.secretKey | b64enc | quote }}
DATABASE_URL: {{ required "database.url is required unless secret.existingSecret is set" .Values.database.url | b64enc | quote }}
REDIS_URL: {{ required "redis.url is required unless secret.existingSecret is set" .Values.redis.url | b64enc | quote }}
{{- with .Values.database.replicaUrls }}
DATABASE_REPLICA_URLS: {{ join "," . | b64enc | quote }}
{{- end }}
{{- with .Values.database.migrateUrl }}
MIGRATE_DATABASE_URL: {{ . | b64enc | quote }}
{{- end }}
{{- with .Values.redis.brokerUrl }}
CELERY_BROKER_URL: {{ . | b64enc | quote }}
{{- end }}
{{- with .Values.secret.emailHostPassword }}
EMAIL_HOST_PASSWORD: {{ . | b64enc | quote }}
{{- end }}
{{- with .Values.secret.oidcClientSecret }}
OIDC_CLIENT_SECRET: {{ . | b64enc | quote }}
{{- end }}
{{- end }}

{{/*
checkov skips shared by every workload, each with its reason (the chart's policy, deploy/README.md):
CKV_K8S_35: the settings are read from the environment (pydantic-settings, intranet/settings/env.py),
  so the Secret reaches the container as environment variables from envFrom, not as files.
CKV_K8S_43: without image.digest the image is pinned by its release tag; set image.digest to pin it
  by content (the skip is left out then).
*/}}
{{- define "intranet.checkovSkips" -}}
checkov.io/skip1: CKV_K8S_35=Settings are read from environment variables (pydantic-settings); the Secret reaches the pod only through envFrom
{{- if not .Values.image.digest }}
checkov.io/skip2: CKV_K8S_43=The image is pinned by its release tag; set image.digest to pin it by content
{{- end }}
{{- end }}

{{/* Pod-level security context and settings shared by every pod. */}}
{{- define "intranet.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.runAsUser }}
runAsGroup: {{ .Values.runAsUser }}
fsGroup: {{ .Values.runAsUser }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "intranet.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.runAsUser }}
runAsGroup: {{ .Values.runAsUser }}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
The spec of every pod: include "intranet.podSpec" (dict "root" $ "component" "web" "args" (list "web")
"resources" ... "extraEnv" ... "ports" ... "probes" ... "media" true "configMap" name "restartPolicy" ...)
*/}}
{{- define "intranet.podSpec" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
serviceAccountName: {{ default (include "intranet.serviceAccountName" $root) .serviceAccountName }}
automountServiceAccountToken: false
enableServiceLinks: false
{{- with .restartPolicy }}
restartPolicy: {{ . }}
{{- end }}
terminationGracePeriodSeconds: {{ default 30 .terminationGracePeriodSeconds }}
securityContext:
  {{- include "intranet.podSecurityContext" $root | nindent 2 }}
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .spread }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "intranet.selectorLabels" (list $root .component) | nindent 8 }}
{{- end }}
containers:
  - name: {{ .component }}
    image: {{ include "intranet.image" $root }}
    imagePullPolicy: {{ $v.image.pullPolicy }}
    args:
      {{- toYaml .args | nindent 6 }}
    envFrom:
      - configMapRef:
          name: {{ .configMap }}
      - secretRef:
          name: {{ .secret }}
    {{- if or .env .extraEnv .envFromSecret }}
    env:
      {{- range $key, $ref := .envFromSecret }}
      - name: {{ $key }}
        valueFrom:
          secretKeyRef:
            name: {{ $ref.name }}
            key: {{ $ref.key }}
      {{- end }}
      {{- range $key, $value := .env }}
      - name: {{ $key }}
        value: {{ $value | quote }}
      {{- end }}
      {{- range $key, $value := .extraEnv }}
      - name: {{ $key }}
        value: {{ $value | quote }}
      {{- end }}
    {{- end }}
    {{- with .ports }}
    ports:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with .probes }}
    {{- . | nindent 4 }}
    {{- end }}
    {{- if .preStopSleep }}
    lifecycle:
      # Keep serving while the endpoints controller and the ingress forget this pod.
      preStop:
        exec:
          command: ["sleep", "{{ .preStopSleep }}"]
    {{- end }}
    resources:
      {{- toYaml .resources | nindent 6 }}
    securityContext:
      {{- include "intranet.containerSecurityContext" $root | nindent 6 }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
      {{- if and .media $v.media.enabled }}
      - name: media
        mountPath: {{ $v.media.mountPath }}
      {{- end }}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: {{ $v.tmp.sizeLimit }}
  {{- if and .media $v.media.enabled }}
  - name: media
    persistentVolumeClaim:
      claimName: {{ include "intranet.mediaClaimName" $root }}
  {{- end }}
{{- end }}

{{/*
Probes of the HTTP processes (web, realtime): liveness and start-up on /healthz/live (the process
runs Python), readiness on /healthz/ready (database, cache, migrations). The middleware answers both
before host validation and the HTTPS redirect, so plain HTTP to the pod's address works.
*/}}
{{- define "intranet.httpProbes" -}}
startupProbe:
  httpGet: {path: /healthz/live, port: http}
  periodSeconds: 2
  timeoutSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet: {path: /healthz/live, port: http}
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /healthz/ready, port: http}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
{{- end }}

{{/*
Probes of a Celery worker: it serves no HTTP, so it answers Celery's own ping through the broker
(deploy/README.md, "Health checks"). Each probe starts a Python process, hence the long periods.
A broker outage fails readiness (nothing routes to workers by readiness, it only shows) and, after
ten minutes, liveness: a worker that cannot reach its broker for that long is restarted.
*/}}
{{- define "intranet.workerProbes" -}}
{{- $ping := list "sh" "-c" "exec celery -A intranet inspect ping --timeout 10 --destination \"celery@${HOSTNAME}\"" -}}
startupProbe:
  exec:
    command: {{ toJson $ping }}
  periodSeconds: 15
  timeoutSeconds: 30
  failureThreshold: 20
livenessProbe:
  exec:
    command: {{ toJson $ping }}
  periodSeconds: 120
  timeoutSeconds: 30
  failureThreshold: 5
readinessProbe:
  exec:
    command: {{ toJson $ping }}
  periodSeconds: 60
  timeoutSeconds: 30
  failureThreshold: 2
{{- end }}

{{/*
Probes of beat: it serves nothing and answers nothing, and it is the container's PID 1 (the
entrypoint execs it), so a crashed beat restarts the container by itself. The probe checks that
PID 1 is still celery beat and neither a zombie nor stopped; it reads /proc only, without importing
the project, so it costs nearly nothing.
*/}}
{{- define "intranet.beatProbes" -}}
{{- $check := list "python" "-c" "import sys; s = open('/proc/1/stat').read().rsplit(')', 1)[1].split()[0]; c = open('/proc/1/cmdline', 'rb').read(); sys.exit(0 if s not in 'ZTX' and b'beat' in c else 1)" -}}
startupProbe:
  exec:
    command: {{ toJson $check }}
  periodSeconds: 5
  timeoutSeconds: 5
  failureThreshold: 12
livenessProbe:
  exec:
    command: {{ toJson $check }}
  periodSeconds: 30
  timeoutSeconds: 5
  failureThreshold: 3
readinessProbe:
  exec:
    command: {{ toJson $check }}
  periodSeconds: 30
  timeoutSeconds: 5
  failureThreshold: 3
{{- end }}
