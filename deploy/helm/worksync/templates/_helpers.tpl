{{/* The release's base name: <release>-worksync, or the release name when it says worksync. */}}
{{- define "worksync.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels a selector uses: dict "root" $ "part" <service or gateway> "component" <api|worker|...>. */}}
{{- define "worksync.selectorLabels" -}}
app.kubernetes.io/name: {{ default .root.Chart.Name .root.Values.nameOverride }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
worksync.dev/part: {{ .part }}
{{- end -}}

{{- define "worksync.labels" -}}
{{ include "worksync.selectorLabels" . }}
app.kubernetes.io/part-of: worksync
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* Every pod of the release, whatever its part. */}}
{{- define "worksync.releaseSelector" -}}
app.kubernetes.io/name: {{ default .Chart.Name .Values.nameOverride }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The image of a part: dict "root" $ "part" <name>. */}}
{{- define "worksync.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .part (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{/* Names of the Secrets: the chart's own, or the existing ones named in values. */}}
{{- define "worksync.serviceSecret" -}}
{{- $svc := index .root.Values.services .part -}}
{{- default (printf "%s-%s" (include "worksync.fullname" .root) .part) $svc.existingSecret -}}
{{- end -}}
{{- define "worksync.migrationsSecret" -}}
{{- default (printf "%s-migrations" (include "worksync.fullname" .)) .Values.database.admin.existingSecret -}}
{{- end -}}
{{- define "worksync.amqpSecret" -}}
{{- default (printf "%s-amqp" (include "worksync.fullname" .)) .Values.rabbitmq.existingSecret -}}
{{- end -}}
{{- define "worksync.internalSecret" -}}
{{- default (printf "%s-internal" (include "worksync.fullname" .)) .Values.internalSecret.existingSecret -}}
{{- end -}}

{{/* The value stored under `key` in Secret `name`, if the cluster has it (keeps generated secrets across upgrades). */}}
{{- define "worksync.existingValue" -}}
{{- $secret := lookup "v1" "Secret" .namespace .name -}}
{{- if and $secret $secret.data (hasKey $secret.data .key) -}}
{{- index $secret.data .key | b64dec -}}
{{- end -}}
{{- end -}}

{{/* `given`, else what the cluster holds, else a new random value: dict "given" "namespace" "name" "key". */}}
{{- define "worksync.secretValue" -}}
{{- $existing := include "worksync.existingValue" . -}}
{{- .given | default $existing | default (randAlphaNum 48) -}}
{{- end -}}

{{/* A Postgres URL: dict "user" "password" "database" "root" $. */}}
{{- define "worksync.postgresUrl" -}}
{{- $db := .root.Values.database -}}
{{- $auth := ternary .user (printf "%s:%s" .user .password) (empty .password) -}}
{{- $url := printf "postgresql+psycopg://%s@%s:%v/%s" $auth $db.host $db.port .database -}}
{{- if $db.options }}{{ printf "%s?%s" $url $db.options }}{{ else }}{{ $url }}{{ end -}}
{{- end -}}

{{/* The database a service uses. */}}
{{- define "worksync.databaseName" -}}
{{- $svc := index .root.Values.services .part -}}
{{- default .root.Values.database.name $svc.database.name -}}
{{- end -}}

{{- define "worksync.apiUrl" -}}
{{- $svc := index .root.Values.services .part -}}
{{- printf "http://%s-%s:%v" (include "worksync.fullname" .root) .part $svc.port -}}
{{- end -}}

{{/* Pod-level settings every WorkSync pod shares. */}}
{{- define "worksync.podSpecCommon" -}}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{/* Container-level settings every WorkSync container shares. */}}
{{- define "worksync.containerCommon" -}}
imagePullPolicy: {{ .Values.image.pullPolicy }}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
volumeMounts:
  - name: tmp
    mountPath: /tmp
{{- end -}}

{{/* Environment of a service's API and worker: its database, the broker, its secrets. */}}
{{- define "worksync.serviceEnv" -}}
{{- $svc := index .root.Values.services .part -}}
{{- $secret := include "worksync.serviceSecret" . -}}
- name: {{ $svc.envPrefix }}_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: database-url
- name: WORKSYNC_AMQP_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "worksync.amqpSecret" .root }}
      key: amqp-url
{{- range $name, $_ := $svc.secretEnv }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $name }}
{{- end }}
{{- if $svc.usesInternalSecret }}
- name: WORKSYNC_INTERNAL_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "worksync.internalSecret" .root }}
      key: internal-secret
{{- end }}
{{- end -}}
