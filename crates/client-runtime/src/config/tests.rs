use super::*;

static SPEC: ServiceSpec = ServiceSpec {
    crate_name: "t",
    crate_version: "0",
    server_url: "https://{domain}.example.com/api",
    server_variables: &[("domain", "{unset}")],
    auth: AuthScheme::Bearer,
    rate_limits: &[],
    request_id: RequestIdSource::COMMON,
    max_response_bytes: None,
};

fn with_base(url: &str) -> ClientConfig {
    ClientConfig { base_url: Some(url.into()), ..ClientConfig::default() }
}

#[test]
fn only_https_or_loopback_http() {
    assert!(resolve_base_url(&SPEC, &with_base("https://a.example")).is_ok());
    assert!(resolve_base_url(&SPEC, &with_base("http://127.0.0.1:8080")).is_ok());
    assert!(resolve_base_url(&SPEC, &with_base("http://[::1]:8080")).is_ok());
    assert!(resolve_base_url(&SPEC, &with_base("http://localhost")).is_ok());
    assert!(matches!(resolve_base_url(&SPEC, &with_base("http://a.example")), Err(BuildError::InsecureBaseUrl { .. })));
    assert!(matches!(resolve_base_url(&SPEC, &with_base("ftp://a.example")), Err(BuildError::InvalidBaseUrl { .. })));
}

#[test]
fn server_variables_cannot_move_the_host() {
    for value in ["attacker.example#", "attacker.example/", "a@b", "a:1", "a?x", ""] {
        let config =
            ClientConfig { server_variables: vec![("domain".into(), value.into())], ..ClientConfig::default() };
        assert!(
            matches!(resolve_base_url(&SPEC, &config), Err(BuildError::InvalidServerVariable { .. })),
            "{value:?} must be refused"
        );
    }
    let config = ClientConfig { server_variables: vec![("domain".into(), "my-svc".into())], ..ClientConfig::default() };
    let url = resolve_base_url(&SPEC, &config).expect("a plain label");
    assert_eq!(url.host_str(), Some("my-svc.example.com"));
}

#[test]
fn base_urls_with_query_fragment_or_credentials_are_refused() {
    for url in ["https://a.example/v1?x=1", "https://a.example/v1#f", "https://user:pw@a.example/v1"] {
        let error = resolve_base_url(&SPEC, &with_base(url)).expect_err(url);
        assert!(matches!(error, BuildError::InvalidBaseUrl { .. }), "{url}");
        assert!(!error.to_string().contains("pw"), "credentials must not be echoed: {error}");
    }
}

#[test]
fn server_variables_expand_or_are_reported() {
    let mut config = ClientConfig::default();
    assert!(matches!(
        resolve_base_url(&SPEC, &config),
        Err(BuildError::MissingServerVariable { ref name, .. }) if name == "unset"
    ));
    config.server_variables.push(("domain".into(), "mine".into()));
    let url = resolve_base_url(&SPEC, &config).map(|u| u.to_string());
    assert_eq!(url.ok().as_deref(), Some("https://mine.example.com/api"));
}

#[test]
fn debug_redacts_the_key() {
    let config = ClientConfig {
        api_key: Some(ApiKey::new("sekrit-123")),
        http_client: Some(reqwest::Client::new()),
        ..ClientConfig::default()
    };
    let text = format!("{config:?} {:?} {}", config.api_key, ApiKey::new("sekrit-123"));
    assert!(!text.contains("sekrit"), "{text}");
}
