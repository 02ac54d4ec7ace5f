//! Data-subject rights at the HTTP edge: the service every intake shares (`service`), the
//! public portal pages (`portal`), the Data Rights Protocol API (`drp_api`), the request form the
//! portal and the console share (`form`), the access report page (`report_page`), and delivery
//! of the notification outbox by SMTP (`outbox`). The DPO's pages are in `console::rights`.
//!
//! No enumeration by design: intake never looks at held data. A request is matched to persons
//! only after its requester has proved control of the contact they gave, so every answer before
//! that point is the same whether or not dataward holds anything about them.

pub mod drp_api;
pub mod form;
pub mod outbox;
pub mod portal;
pub mod report_page;
pub mod service;
