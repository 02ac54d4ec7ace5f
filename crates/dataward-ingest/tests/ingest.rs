//! The load pipeline end to end on both backends: quarantine reasons, refused columns, refresh,
//! atomicity under an injected failure.

use std::collections::BTreeMap;
use std::sync::Arc;

use dataward_core::columns::Mapping;
use dataward_core::partner::{Channel, IngestMode};
use dataward_core::profile::Profile;
use dataward_core::quarantine::{ALL_REASONS, QuarantineReason};
use dataward_ingest::{Fault, Format, IngestError, IngestRequest, ingest_file};
use dataward_store::Store;
use dataward_store::partners::{NewPartner, Partner};
use dataward_store::testing::{backends, fresh_store};

const HEADER: &str = "record_id,title,first_name,surname,dob,email,mobile,landline,address_1,town,postcode,insurance_renewal_month,children_present,email_opt_in,date_collected";

fn good(id: &str, first: &str, surname: &str, email: &str) -> String {
    format!(
        "{id},Mr,{first},{surname},1980-03-12,{email},07911 123456,0113 496 0000,12 High Street,Leeds,LS1 4AP,March,no,yes,2025-01-10"
    )
}

async fn partner(store: &Store) -> Partner {
    let new = NewPartner { name: "competition-co".into(), channel: Channel::Competition, retention_days: 365 };
    store.add_partner(&new, "2026-11-23T10:00:00Z".parse().unwrap()).await.unwrap().0
}

fn request(partner: &Partner, format: Format, mode: IngestMode, fault: Option<Fault>) -> IngestRequest {
    IngestRequest {
        partner: partner.clone(),
        file_name: "upload".into(),
        format,
        mode,
        mapping: Mapping::default(),
        profile: Arc::new(Profile::builtin("data-broker").unwrap().unwrap()),
        today: jiff::civil::date(2026, 11, 23),
        now: "2026-11-23T10:00:00Z".parse().unwrap(),
        fault,
        actor: dataward_core::audit::Actor::Partner(partner.id.clone()),
    }
}

async fn load(
    store: &Store,
    p: &Partner,
    format: Format,
    mode: IngestMode,
    text: String,
) -> Result<dataward_ingest::IngestSummary, IngestError> {
    ingest_file(store, request(p, format, mode, None), std::io::Cursor::new(text.into_bytes()), |_| {}).await
}

/// One bad row per reason the file reader and cleaner can produce, each on a known line.
fn file_with_every_bad_row() -> (String, BTreeMap<u64, QuarantineReason>) {
    let bad: Vec<(String, QuarantineReason)> = vec![
        (good("b1", "Jane", "Smith", "jane@example.co.uk") + ",extra", QuarantineReason::WrongFieldCount),
        (good("b2", "", "Smith", "b2@example.co.uk"), QuarantineReason::MissingName),
        (good("b3", "J4ne", "Smith", "b3@example.co.uk"), QuarantineReason::InvalidName),
        ("b4,,Amy,Pond,,,,,,,,,,,".to_string(), QuarantineReason::NoIdentifier),
        (
            good("b5", "Amy", "Pond", "b5@example.co.uk").replace("LS1 4AP", "LS1 4CC"),
            QuarantineReason::InvalidPostcode,
        ),
        (good("b6", "Amy", "Pond", "b6@example.co.uk").replace("07911 123456", "0791"), QuarantineReason::InvalidPhone),
        (good("b7", "Amy", "Pond", "amy-at-example.co.uk"), QuarantineReason::InvalidEmail),
        (
            good("b8", "Amy", "Pond", "b8@example.co.uk").replace("1980-03-12", "1980-02-31"),
            QuarantineReason::InvalidDateOfBirth,
        ),
        (
            good("b9", "Amy", "Pond", "b9@example.co.uk").replace("1980-03-12", "2031-01-01"),
            QuarantineReason::ImplausibleDateOfBirth,
        ),
        (
            good("b10", "Amy", "Pond", "b10@example.co.uk").replace("1980-03-12", "2015-06-01"),
            QuarantineReason::UnderAge,
        ),
        (
            good("b11", "Amy", "Pond", "b11@example.co.uk").replace("March", "Marchember"),
            QuarantineReason::InvalidRenewalMonth,
        ),
        (
            good("b12", "Amy", "Pond", "b12@example.co.uk").replace(",no,yes,", ",perhaps,yes,"),
            QuarantineReason::InvalidFlag,
        ),
        (
            good("b13", "Amy", "Pond", "b13@example.co.uk").replace("2025-01-10", "2099-01-10"),
            QuarantineReason::InvalidCollectionDate,
        ),
        (good("g1", "Amy", "Pond", "b14@example.co.uk"), QuarantineReason::DuplicateRecordId),
        (good("b15", "Amy", &"Pond".repeat(60), "b15@example.co.uk"), QuarantineReason::ValueTooLong),
    ];
    let mut text = format!("{HEADER}\n{}\n", good("g1", "Tom", "Jones", "tom@example.com"));
    let mut expected = BTreeMap::new();
    for (i, (row, reason)) in bad.into_iter().enumerate() {
        text.push_str(&row);
        text.push('\n');
        expected.insert(i as u64 + 3, reason);
    }
    (text, expected)
}

#[tokio::test]
async fn every_quarantine_reason_is_recorded_with_its_line_and_nothing_is_dropped() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store).await;
        let (csv, expected) = file_with_every_bad_row();
        let summary = load(&t.store, &p, Format::Csv, IngestMode::Append, csv).await.unwrap();
        assert_eq!(
            summary.rows_read,
            summary.accepted + summary.quarantined,
            "{backend:?}: every row is accounted for"
        );
        assert_eq!(summary.accepted, 1);
        assert_eq!(summary.quarantined, expected.len() as u64);
        let stored = t.store.quarantine(&summary.batch_id).await.unwrap();
        let got: BTreeMap<u64, String> = stored.iter().map(|q| (q.line as u64, q.reason.clone())).collect();
        let want: BTreeMap<u64, String> = expected.iter().map(|(l, r)| (*l, r.code().to_string())).collect();
        assert_eq!(got, want, "{backend:?}");
        for (reason, n) in &summary.quarantined_by_reason {
            assert_eq!(*n, 1, "{reason}");
        }
        let postcode = stored.iter().find(|q| q.reason == "invalid_postcode").unwrap();
        assert_eq!(postcode.field.as_deref(), Some("postcode"));
        assert!(!postcode.detail.contains("4CC"), "details never repeat the value: {}", postcode.detail);
        let raw = t.store.quarantined_raw(&summary.batch_id, postcode.line).await.unwrap().unwrap();
        assert!(raw.contains("LS1 4CC"), "the raw row is kept so nothing is lost");
    }
}

#[tokio::test]
async fn json_lines_rows_that_are_not_objects_are_quarantined_as_malformed_json() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store).await;
        let text = "{\"given_name\":\"Jane\",\"family_name\":\"Smith\",\"email_address\":\"jane@example.co.uk\"}\n[1,2]\n{\"given_name\":\"Tom\"\n{\"given_name\":\"Tom\",\"family_name\":\"Jones\",\"mobile_number\":\"+447911123456\"}\n";
        let summary = load(&t.store, &p, Format::JsonLines, IngestMode::Append, text.into()).await.unwrap();
        assert_eq!((summary.accepted, summary.quarantined), (2, 2), "{backend:?}");
        let q = t.store.quarantine(&summary.batch_id).await.unwrap();
        assert_eq!(
            q.iter().map(|q| (q.line, q.reason.as_str())).collect::<Vec<_>>(),
            vec![(2, "malformed_json"), (3, "malformed_json")]
        );
    }
}

#[tokio::test]
async fn invalid_utf8_is_quarantined_as_invalid_encoding() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store).await;
        let mut bytes = format!("{HEADER}\n{}\n", good("g1", "Tom", "Jones", "tom@example.com")).into_bytes();
        bytes.extend_from_slice(b"g2,Mr,Jos\xe9,Smith,1980-03-12,j@example.com,,,,,LS1 4AP,,,,\n");
        let summary = ingest_file(
            &t.store,
            request(&p, Format::Csv, IngestMode::Append, None),
            std::io::Cursor::new(bytes),
            |_| {},
        )
        .await
        .unwrap();
        assert_eq!(summary.quarantined_by_reason.get("invalid_encoding"), Some(&1), "{backend:?}");
    }
}

#[test]
fn the_fixture_covers_every_reason_except_the_json_and_encoding_ones_tested_separately() {
    let (_, expected) = file_with_every_bad_row();
    let covered: Vec<_> = expected.values().copied().collect();
    for reason in ALL_REASONS {
        let separate = matches!(reason, QuarantineReason::MalformedJson | QuarantineReason::InvalidEncoding);
        assert!(covered.contains(&reason) || separate, "{reason} has no test row");
    }
}

#[tokio::test]
async fn a_refused_column_fails_the_whole_file_before_anything_is_stored() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store).await;
        let before = t.store.totals().await.unwrap();
        let text = format!("{HEADER},credit_score\n{},712\n", good("g1", "Tom", "Jones", "tom@example.com"));
        let err = load(&t.store, &p, Format::Csv, IngestMode::Append, text).await.unwrap_err();
        assert!(err.to_string().contains("`credit_score`"), "{err}");
        assert_eq!(t.store.totals().await.unwrap(), before, "{backend:?}");
        assert!(t.store.batches(None).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_refused_key_appearing_late_in_json_lines_rolls_back_the_rows_before_it() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store).await;
        let mut text = String::new();
        for i in 0..2500 {
            text.push_str(&format!(
                "{{\"given_name\":\"Jane\",\"family_name\":\"Smith\",\"email_address\":\"j{i}@example.co.uk\"}}\n"
            ));
        }
        text.push_str("{\"given_name\":\"Tom\",\"family_name\":\"Jones\",\"religion\":\"none\"}\n");
        let err = load(&t.store, &p, Format::JsonLines, IngestMode::Append, text).await.unwrap_err();
        assert!(matches!(err, IngestError::Columns { .. }), "{err}");
        assert_eq!(t.store.totals().await.unwrap().source_records, 0, "{backend:?}");
        assert!(t.store.batches(None).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_injected_failure_mid_file_leaves_the_store_exactly_as_before() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store).await;
        load(
            &t.store,
            &p,
            Format::Csv,
            IngestMode::Append,
            format!("{HEADER}\n{}\n", good("g1", "Tom", "Jones", "tom@example.com")),
        )
        .await
        .unwrap();
        let before = t.store.totals().await.unwrap();
        let batches = t.store.batches(None).await.unwrap();
        let mut text = format!("{HEADER}\n");
        for i in 0..5000 {
            text.push_str(&good(&format!("r{i}"), "Jane", "Smith", &format!("jane{i}@example.co.uk")));
            text.push('\n');
        }
        let req = request(&p, Format::Csv, IngestMode::Refresh, Some(Fault::ErrorAfterRows(2000)));
        let err = ingest_file(&t.store, req, std::io::Cursor::new(text.into_bytes()), |_| {}).await.unwrap_err();
        assert!(matches!(err, IngestError::Injected(n) if n >= 2000), "{err}");
        assert_eq!(t.store.totals().await.unwrap(), before, "{backend:?}");
        assert_eq!(t.store.batches(None).await.unwrap(), batches);
        assert_eq!(
            t.store.persons_with_value("email", "tom@example.com").await.unwrap().len(),
            1,
            "the refresh did not happen"
        );
    }
}

#[tokio::test]
async fn a_refresh_leaves_only_the_records_in_the_new_file() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store).await;
        let first = format!(
            "{HEADER}\n{}\n{}\n",
            good("a1", "Tom", "Jones", "tom@example.com"),
            good("a2", "Amy", "Pond", "amy@example.com")
        );
        let s1 = load(&t.store, &p, Format::Csv, IngestMode::Refresh, first).await.unwrap();
        assert_eq!(s1.new_persons, 2, "{backend:?}: a shared household phone does not make two people one");
        let second = format!(
            "{HEADER}\n{}\n",
            good("a3", "Zoe", "Quinn", "zoe@example.com")
                .replace("07911 123456", "07912 345678")
                .replace("0113 496 0000", "0113 496 0999")
        );
        let s2 = load(&t.store, &p, Format::Csv, IngestMode::Refresh, second).await.unwrap();
        assert_eq!((s2.accepted, s2.quarantined_by_reason.clone()), (1, BTreeMap::new()), "{backend:?}");
        assert_eq!(s2.removed_records, 2);
        assert!(t.store.persons_with_value("email", "tom@example.com").await.unwrap().is_empty());
        assert!(t.store.persons_with_value("email", "amy@example.com").await.unwrap().is_empty());
        assert_eq!(t.store.persons_with_value("email", "zoe@example.com").await.unwrap().len(), 1);
        assert_eq!(t.store.partner_record_count(&p.id).await.unwrap(), 1);
    }
}

#[tokio::test]
async fn an_append_adds_to_the_partners_earlier_records_and_counts_known_ones() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store).await;
        load(
            &t.store,
            &p,
            Format::Csv,
            IngestMode::Append,
            format!("{HEADER}\n{}\n", good("a1", "Tom", "Jones", "tom@example.com")),
        )
        .await
        .unwrap();
        let s = load(
            &t.store,
            &p,
            Format::Csv,
            IngestMode::Append,
            format!("{HEADER}\n{}\n", good("a9", "Tom", "Jones", "tom@example.com")),
        )
        .await
        .unwrap();
        assert_eq!((s.new_persons, s.known_records, s.removed_records), (0, 1, 0), "{backend:?}");
        assert_eq!(t.store.partner_record_count(&p.id).await.unwrap(), 2);
    }
}

#[tokio::test]
async fn unknown_columns_are_reported_in_the_summary_and_not_stored() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store).await;
        let text = format!("{HEADER},shoe_size\n{},9\n", good("a1", "Tom", "Jones", "tom@example.com"));
        let s = load(&t.store, &p, Format::Csv, IngestMode::Append, text).await.unwrap();
        assert_eq!(s.unknown_columns, vec!["shoe_size".to_string()], "{backend:?}");
        let person = &t.store.persons_with_value("email", "tom@example.com").await.unwrap()[0];
        assert!(t.store.person_values(person).await.unwrap().iter().all(|v| v.value != "9"));
    }
}

#[tokio::test]
async fn an_empty_file_is_an_error_and_stores_nothing() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store).await;
        let err = load(&t.store, &p, Format::Csv, IngestMode::Refresh, format!("{HEADER}\n")).await.unwrap_err();
        assert!(matches!(err, IngestError::Empty { .. }), "{backend:?}: {err}");
        assert!(t.store.batches(None).await.unwrap().is_empty());
    }
}
