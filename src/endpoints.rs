//! Where sign-in, Graph and Exchange Web Services live. Global, US Gov and China clouds are
//! built in; tests and the demo tenant use custom URLs (`--login-url`, `--graph-url`,
//! `--ews-url`).

use url::Url;

/// A national cloud with its sign-in and Graph hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Cloud {
    Global,
    Usgov,
    China,
}

/// Base URLs of the authority host and of Graph, both ending in `/`, and the EWS endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// e.g. `https://login.microsoftonline.com/`
    pub login: Url,
    /// e.g. `https://graph.microsoft.com/`
    pub graph: Url,
    /// The EWS endpoint itself, e.g. `https://outlook.office365.com/EWS/Exchange.asmx`.
    pub ews: Url,
}

/// Where EWS lives below an Exchange Online host (Microsoft's EWS OAuth page:
/// office-developer-exchange-docs, how-to-authenticate-an-ews-application-by-using-oauth.md).
pub const EWS_PATH: &str = "EWS/Exchange.asmx";

impl Endpoints {
    pub fn for_cloud(cloud: Cloud) -> Self {
        // Exchange Online hosts per cloud as Microsoft lists them for Connect-ExchangeOnline
        // -ConnectionUri and Add-AvailabilityAddressSpace -TargetServiceEpr
        // (office-docs-powershell, exchange-ps/ExchangePowerShell/*.md): global
        // outlook.office365.com, GCC High outlook.office365.us (DoD would be webmail.apps.mil,
        // reachable with --ews-url), 21Vianet partner.outlook.cn.
        let (login, graph, exchange) = match cloud {
            Cloud::Global => (
                "https://login.microsoftonline.com/",
                "https://graph.microsoft.com/",
                "https://outlook.office365.com/",
            ),
            Cloud::Usgov => (
                "https://login.microsoftonline.us/",
                "https://graph.microsoft.us/",
                "https://outlook.office365.us/",
            ),
            Cloud::China => (
                "https://login.chinacloudapi.cn/",
                "https://microsoftgraph.chinacloudapi.cn/",
                "https://partner.outlook.cn/",
            ),
        };
        let exchange = Url::parse(exchange).expect("built-in URL");
        Self {
            login: Url::parse(login).expect("built-in URL"),
            graph: Url::parse(graph).expect("built-in URL"),
            ews: exchange.join(EWS_PATH).expect("valid join"),
        }
    }

    /// Custom endpoints; a missing trailing slash is added so that `join` keeps the path.
    /// EWS is taken to live next to Graph (`{graph}EWS/Exchange.asmx`), as in the demo tenant;
    /// [`Endpoints::with_ews`] says otherwise.
    pub fn custom(login: &str, graph: &str) -> Result<Self, url::ParseError> {
        let graph = with_trailing_slash(Url::parse(graph)?);
        Ok(Self {
            login: with_trailing_slash(Url::parse(login)?),
            ews: graph.join(EWS_PATH)?,
            graph,
        })
    }

    /// The same endpoints with EWS at `url` (the endpoint itself, e.g.
    /// `https://webmail.apps.mil/EWS/Exchange.asmx`).
    pub fn with_ews(mut self, url: &str) -> Result<Self, url::ParseError> {
        self.ews = Url::parse(url)?;
        Ok(self)
    }

    /// Graph v1.0 root, e.g. `https://graph.microsoft.com/v1.0/`.
    pub fn graph_v1(&self) -> Url {
        self.graph.join("v1.0/").expect("valid join")
    }

    /// The v2.0 authority for a tenant (GUID, domain, `organizations` or `common`).
    pub fn authority(&self, tenant: &str) -> Url {
        self.login
            .join(&format!("{tenant}/v2.0"))
            .expect("valid join")
    }

    /// The resource identifier of Graph as it appears in scopes, without trailing slash,
    /// e.g. `https://graph.microsoft.com`.
    pub fn graph_resource(&self) -> String {
        self.graph.as_str().trim_end_matches('/').to_string()
    }

    /// A fully qualified Graph scope, e.g. `https://graph.microsoft.com/Application.ReadWrite.All`.
    pub fn graph_scope(&self, name: &str) -> String {
        format!("{}/{}", self.graph_resource(), name)
    }
}

fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_endpoints_keep_their_path() {
        let e = Endpoints::custom("http://127.0.0.1:9/base", "http://127.0.0.1:9/base").unwrap();
        assert_eq!(e.graph_v1().as_str(), "http://127.0.0.1:9/base/v1.0/");
        assert_eq!(
            e.authority("contoso.com").as_str(),
            "http://127.0.0.1:9/base/contoso.com/v2.0"
        );
        assert_eq!(
            e.graph_scope(".default"),
            "http://127.0.0.1:9/base/.default"
        );
    }

    #[test]
    fn ews_per_cloud_and_next_to_a_custom_graph() {
        let ews = |c| Endpoints::for_cloud(c).ews.to_string();
        assert_eq!(
            ews(Cloud::Global),
            "https://outlook.office365.com/EWS/Exchange.asmx"
        );
        assert_eq!(
            ews(Cloud::Usgov),
            "https://outlook.office365.us/EWS/Exchange.asmx"
        );
        assert_eq!(
            ews(Cloud::China),
            "https://partner.outlook.cn/EWS/Exchange.asmx"
        );
        let e = Endpoints::custom("http://127.0.0.1:9/", "http://127.0.0.1:9/base").unwrap();
        assert_eq!(e.ews.as_str(), "http://127.0.0.1:9/base/EWS/Exchange.asmx");
        let e = e
            .with_ews("https://webmail.apps.mil/EWS/Exchange.asmx")
            .unwrap();
        assert_eq!(e.ews.host_str(), Some("webmail.apps.mil"));
        assert!(e.clone().with_ews("not a url").is_err());
    }

    #[test]
    fn global_cloud_scope() {
        let e = Endpoints::for_cloud(Cloud::Global);
        assert_eq!(
            e.graph_scope("User.Read"),
            "https://graph.microsoft.com/User.Read"
        );
    }
}
