//! Every JSON output names the tariff that made it.

use crate::support::{BUILTIN, dis, json, run, stdout_of, temp_file};

#[test]
fn every_json_output_names_the_tariff_that_made_it() {
    let sha = dis_price::tariff::sha256_hex(BUILTIN.as_bytes());
    let (_d, jobs) = temp_file("jobs.csv", b"steps,size\n20,512\n");
    let jobs = jobs.to_str().unwrap().to_owned();
    for args in [
        vec!["--format", "json"],
        vec!["table", "--format", "json"],
        vec!["check", "--format", "json"],
        vec!["models", "--format", "json"],
        vec!["fit", "--format", "json"],
        vec!["afford", "--budget", "1", "--format", "json"],
        vec!["batch", &jobs, "--format", "json"],
        vec!["batch", &jobs, "--format", "json", "--summary"],
    ] {
        let v = json(&stdout_of(&args));
        let t = &v["tariff"];
        assert_eq!(t["sha256"], sha.as_str(), "{args:?}");
        assert_eq!(
            (
                t["provider"].as_str(),
                t["as_of"].as_str(),
                t["origin"].as_str()
            ),
            (Some("Distribute.ai"), Some("2026-11-25"), Some("built-in")),
            "{args:?}"
        );
        assert!(
            t["source"]
                .as_str()
                .unwrap()
                .starts_with("https://docs.distribute.ai/")
        );
    }
    let (_d, path) = temp_file("mine.toml", BUILTIN.as_bytes());
    let v = json(&run(dis().arg("--tariff").arg(&path).args(["--format", "json"])).1);
    assert_eq!(v["tariff"]["origin"], path.to_str().unwrap());
}
