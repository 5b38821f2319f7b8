//! Where sign-in and Graph live. Global, US Gov and China clouds are built in; tests and the
//! demo tenant use custom URLs (`--login-url`, `--graph-url`).

use url::Url;

/// A national cloud with its sign-in and Graph hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Cloud {
    Global,
    Usgov,
    China,
}

/// Base URLs of the authority host and of Graph, both ending in `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// e.g. `https://login.microsoftonline.com/`
    pub login: Url,
    /// e.g. `https://graph.microsoft.com/`
    pub graph: Url,
}

impl Endpoints {
    pub fn for_cloud(cloud: Cloud) -> Self {
        let (login, graph) = match cloud {
            Cloud::Global => (
                "https://login.microsoftonline.com/",
                "https://graph.microsoft.com/",
            ),
            Cloud::Usgov => (
                "https://login.microsoftonline.us/",
                "https://graph.microsoft.us/",
            ),
            Cloud::China => (
                "https://login.chinacloudapi.cn/",
                "https://microsoftgraph.chinacloudapi.cn/",
            ),
        };
        Self {
            login: Url::parse(login).expect("built-in URL"),
            graph: Url::parse(graph).expect("built-in URL"),
        }
    }

    /// Custom endpoints; a missing trailing slash is added so that `join` keeps the path.
    pub fn custom(login: &str, graph: &str) -> Result<Self, url::ParseError> {
        Ok(Self {
            login: with_trailing_slash(Url::parse(login)?),
            graph: with_trailing_slash(Url::parse(graph)?),
        })
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
    fn global_cloud_scope() {
        let e = Endpoints::for_cloud(Cloud::Global);
        assert_eq!(
            e.graph_scope("User.Read"),
            "https://graph.microsoft.com/User.Read"
        );
    }
}
