# Sourced by the vendor-spec scripts (vendor-corpus.sh, type-fidelity.sh): where the specs are
# and which ones there are, said once. Sets `cache` and `specs` (name=path under the cache);
# call `vendor_specs_unpack` first and `vendor_specs_add_github` for GitHub's description.
# The specs are unpacked into a cache, never into the repository.
archive="${VENDOR_SPECS_ARCHIVE:-$root/../shared/vendor-specs/specs.tar.xz}"
cache="${VENDOR_SPECS:-$HOME/.cache/vendor-specs}"
github_spec="github/node_modules/@octokit/openapi/generated/api.github.com.json"

# digitalocean is a folder of files (its spec reaches the others by relative `$ref`; its examples
# live in those files, so type-fidelity.sh finds none).
specs=(
  "stripe=stripe/spec3.2023-09-12.yaml"
  "openai=openai/openapi.yaml"
  "cloudflare=cloudflare/openapi.2024-08-06.json"
  "twilio-api=twilio/twilio_api_v2010.json"
  "twilio-video=twilio/twilio_video_v1.json"
  "digitalocean=digitalocean/specification/DigitalOcean-public.v2.yaml"
  "box=box/openapi.json"
  "asana=asana/asana_oas.yaml"
  "slack=slack/slack_web_openapi_v2.json"
  "discord=discord/openapi.json"
  "kubernetes=kubernetes/swagger.json"
  "jira=jira/swagger-v3.v3.json"
)

vendor_specs_unpack() {
  if [ ! -d "$cache/stripe" ]; then
    mkdir -p "$cache" && tar xJf "$archive" -C "$cache"
  fi
}

vendor_specs_add_github() {
  if [ ! -f "$cache/$github_spec" ]; then
    npm install --silent --no-audit --no-fund --prefix "$cache/github" @octokit/openapi@23.0.2 >/dev/null
  fi
  specs+=("github=$github_spec")
}
