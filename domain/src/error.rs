//! Validation errors that name the field and carry a message *key*, not a sentence:
//! the UI translates the key into the reader's language.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Identifies one user-facing message; `app::i18n` holds its zh-CN and en texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MessageKey {
    /// A required field was left empty.
    Required,
    /// The text is longer than the field allows.
    TooLong,
    /// Not a mainland mobile number (11 digits, starting 13–19).
    PhoneInvalid,
    /// Latitude outside −90..=90.
    LatitudeOutOfRange,
    /// Longitude outside −180..=180.
    LongitudeOutOfRange,
    /// Not a number where a number was expected.
    NotANumber,
    /// A population must be zero or more and below a plausible bound.
    PopulationOutOfRange,
    /// A percentage outside 0.01..=100.
    RateOutOfRange,
    /// The area kind does not fit under the chosen parent (e.g. a district under a community).
    AreaKindMismatch,
    /// Not an 18-character resident ID number, or its birth date is impossible.
    IdNumberInvalid,
    /// The ID number's last character does not match its checksum (a typo).
    IdNumberChecksum,
    /// A name with control characters.
    NameInvalid,
    /// A password shorter than 8 characters.
    PasswordTooShort,
    /// The mobile number and password do not match an account.
    LoginFailed,
    /// The location-use consent box was not ticked.
    ConsentRequired,
    /// The chosen home area does not exist or is not a community.
    CommunityUnknown,
    /// This mobile number is already registered.
    PhoneTaken,
    /// Not a date like 2020-11-01, or one in the future.
    DateInvalid,
    /// The name is already used here.
    NameTaken,
    /// No registered volunteer with this number in the area.
    VolunteerUnknown,
    /// The chosen site does not exist (or is not one the user may plan duty for).
    SiteUnknown,
    /// Not a calendar date like 2026-11-25 (any date, past or future, unlike `DateInvalid`).
    DateMalformed,
    /// Not a time of day like 08:00.
    TimeInvalid,
    /// A shift's headcount must be 1 to 500.
    HeadcountOutOfRange,
    /// Leaders needed must be from 0 up to the headcount.
    LeadersOutOfRange,
    /// Not a day of the week (1 = Monday … 7 = Sunday).
    WeekdayInvalid,
    /// The last date of a range is before its first.
    DateRangeBackwards,
    /// A date range longer than 366 days (a recurring pattern is planned a year at most).
    DateRangeTooLong,
    /// The volunteer already has a shift at that time.
    ShiftOverlaps,
    /// A new shift that began more than a few minutes ago (or is over).
    ShiftInPast,
    /// A shift that ends when it starts.
    ShiftZeroLength,
    /// A shift longer than the association allows in one go (12 hours unless configured).
    ShiftTooLong,
    /// The shift would take the volunteer past the most hours of duty allowed in one day.
    DayHoursExceeded,
    /// The shift would make too many shifts in a row without a rest in between.
    TooManyShiftsInARow,
    /// Too close to the shift's start to cancel: call the leader instead.
    CancelTooLate,
    /// A notification setting names a kind or channel that does not exist.
    NotifySettingUnknown,
    /// What the browser sent as its push subscription cannot be used (endpoint, keys).
    PushSubscriptionInvalid,
    /// The texted code was not entered.
    PhoneCodeRequired,
    /// The code is not the one texted (or not six digits).
    PhoneCodeWrong,
    /// The code is older than 5 minutes, or none was sent: ask for a new one.
    PhoneCodeExpired,
    /// Five wrong entries: the code is spent.
    PhoneCodeTooManyTries,
    /// The text could not be sent (the provider refused or is down).
    SmsNotSent,
    /// The shift was cancelled by its leader.
    ShiftCancelled,
    /// The shift is over (or not yet open for check-in).
    OutsideShiftTime,
    /// A check-out without a check-in before it.
    NotCheckedIn,
    /// A check-in made again to replace an outside one, itself not at the site: the first stands.
    RecheckNotOnSite,
    /// A check-in by position sent as a plain form: only the app can ask the phone where it is.
    CheckInNeedsApp,
    /// The leader's check-in code is wrong or expired.
    CodeInvalid,
    /// A reason is needed (a cancellation, a dispute, a corrected figure).
    ReasonRequired,
    /// Minutes outside 0 up to the shift's length plus grace.
    MinutesOutOfRange,
    /// These hours were already decided.
    AlreadyDecided,
    /// The incident category is not one of those configured.
    CategoryUnknown,
    /// The severity is not one of 一般, 较重, 紧急 (1, 2, 3).
    SeverityInvalid,
    /// A free text (an incident's description, a note) with control characters.
    TextInvalid,
    /// The position's accuracy is not a distance from 0 to 10 km.
    AccuracyInvalid,
    /// The phone's clock is off: a report made in the future, or more than 7 days ago.
    ClockOutOfRange,
    /// More photos than one report may carry.
    TooManyPhotos,
    /// Not whom an incident can be referred to (派出所, 居委会, 物业 or a named person or unit).
    ReferralInvalid,
    /// That step is not possible from the incident's current status.
    StepNotAllowed,
    /// The same step was just taken (a second press, another leader a moment before).
    StepRepeated,
    /// A photo that is not a JPEG, PNG or WebP image, or cannot be read.
    PhotoInvalid,
    /// A photo too large in bytes or in pixels.
    PhotoTooLarge,
    /// A response level other than 一级, 二级 or 三级 (1, 2, 3).
    DutyLevelInvalid,
    /// A duty period longer than 31 days.
    PeriodTooLong,
    /// More than 8 time slots in a day.
    TooManySlots,
    /// A period's time slots must all be of one length.
    SlotLengthsDiffer,
    /// Two time slots overlap (or the last runs into the next day's first).
    SlotsOverlap,
    /// A target headcount below the minimum.
    TargetBelowMinimum,
    /// A cell's places must be 0 (not staffed) to 500.
    PlacesOutOfRange,
    /// The person did not say they can come in that slot.
    NotAvailableThen,
    /// An availability answer that does not fit the period's days and slots.
    AnswersInvalid,
    /// The roster is out: availability can no longer change.
    AnswersClosed,
}

/// A field that failed to parse, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {key:?}")]
pub struct FieldError {
    /// The form field's name, as used in the HTML `name` attribute.
    pub field: Cow<'static, str>,
    /// What is wrong, to be translated.
    pub key: MessageKey,
}

impl FieldError {
    pub fn new(field: &'static str, key: MessageKey) -> Self {
        Self {
            field: Cow::Borrowed(field),
            key,
        }
    }
}
