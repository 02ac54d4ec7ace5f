-- dataward schema v13 (postgres): the ledger is found by person and by client through its requests.
-- A disclosure row always carries its request's person, client and time (ledger rows are never
-- changed), so the indexes of client_requests on (person_id) and (client_id, at) find them with
-- disclosures_request. The two indexes below duplicated that and cost every recorded request
-- about a quarter of the pages it wrote (5.5 of 22.6 pages a trace on SQLite).
DROP INDEX disclosures_person;
DROP INDEX disclosures_client;
