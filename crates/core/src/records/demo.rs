//! The demo clinic's medical records, written through the commands as its doctor and nurse
//! would: signed consultations with vitals, ICD-10 diagnoses and prescriptions (one with an
//! allergy warning overridden for a reason), problem-list entries, and one consultation
//! still open for the evaluator to continue.

use crate::error::AppResult;
use crate::{Caller, Workstation};
use serde_json::{json, Value};

struct Visit {
    subjective: &'static str,
    objective: &'static str,
    assessment: &'static str,
    plan: &'static str,
    vitals: (&'static str, u32, u32, u32, u32),
    diagnoses: &'static [&'static str],
    medications: &'static [&'static str],
    allergy: Option<&'static str>,
    problem: Option<&'static str>,
}

const VISITS: &[Visit] = &[
    Visit {
        subjective: "Sore throat and fever for two days, painful swallowing. No cough.",
        objective: "Tonsils enlarged with exudate, tender anterior cervical nodes.",
        assessment: "Acute streptococcal tonsillitis (Centor 4).",
        plan: "Penicillin allergy: azithromycin for 3 days; paracetamol for pain and fever; return if worse in 48 h.",
        vitals: ("38.6", 104, 122, 78, 98),
        diagnoses: &["J03.00"],
        medications: &["med-azithromycin-500-mg-tablet", "med-paracetamol-500-mg-tablet"],
        allergy: Some("Penicillin"),
        problem: None,
    },
    Visit {
        subjective: "Review of blood pressure; home readings around 150/95. Occasional headache.",
        objective: "BP 152/96 (repeat 148/94). Heart sounds normal. No oedema.",
        assessment: "Essential hypertension, not controlled.",
        plan: "Start an ACE inhibitor; lifestyle advice; kidney function and potassium in 2 weeks.",
        vitals: ("36.7", 78, 152, 96, 98),
        diagnoses: &["I10"],
        medications: &["med-ramipril-5-mg-capsule"],
        allergy: None,
        problem: Some("I10"),
    },
    Visit {
        subjective: "Thirst and frequent urination for a month. HbA1c last week 7.9%.",
        objective: "BMI 31. Feet: sensation intact, pulses present.",
        assessment: "Type 2 diabetes mellitus without complications, new diagnosis.",
        plan: "Metformin with meals, titrate after 2 weeks; diet referral; HbA1c in 3 months.",
        vitals: ("36.5", 82, 134, 84, 97),
        diagnoses: &["E11.9"],
        medications: &["med-metformin-500-mg-tablet"],
        allergy: None,
        problem: Some("E11.9"),
    },
    Visit {
        subjective: "Burning on urination and frequency since yesterday. No fever, no flank pain.",
        objective: "Suprapubic tenderness. Urine dipstick: nitrites and leucocytes positive.",
        assessment: "Acute cystitis.",
        plan: "Nitrofurantoin for 5 days; fluids; culture if no better in 48 h.",
        vitals: ("37.1", 80, 118, 74, 99),
        diagnoses: &["N30.00"],
        medications: &["med-nitrofurantoin-100-mg-capsule"],
        allergy: Some("Sulfa drugs"),
        problem: None,
    },
    Visit {
        subjective: "Wheeze and night cough for a week after a cold. Known asthma since childhood.",
        objective: "Scattered expiratory wheeze. Peak flow 78% of best.",
        assessment: "Mild intermittent asthma, exacerbated.",
        plan: "Reliever inhaler as needed; inhaler technique checked; review in 2 weeks.",
        vitals: ("36.9", 92, 124, 80, 95),
        diagnoses: &["J45.21"],
        medications: &["med-salbutamol-100-micrograms-dose-inhaler"],
        allergy: None,
        problem: Some("J45.909"),
    },
    Visit {
        subjective: "Right knee pain after a football match; swelling, can bear weight. Aspirin upsets her stomach.",
        objective: "Mild effusion, medial joint line tenderness, ligaments stable.",
        assessment: "Sprain of the medial collateral ligament of the right knee.",
        plan: "Rest, ice, compression; ibuprofen with food for 5 days; physiotherapy if not better in 2 weeks.",
        vitals: ("36.6", 70, 118, 72, 99),
        diagnoses: &["S83.411A"],
        medications: &["med-ibuprofen-400-mg-tablet"],
        allergy: Some("Aspirin"),
        problem: None,
    },
];

fn id(v: &Value) -> Value {
    v["id"].clone()
}

pub(crate) fn seed(ws: &Workstation, doctor: &Caller, nurse: &Caller) -> AppResult<()> {
    let ids: Vec<Value> = ws.store().read(|c| {
        let mut stmt = c.prepare("SELECT id FROM patients ORDER BY mrn LIMIT 12")?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ids.into_iter().map(Value::String).collect())
    })?;
    for (visit, patient) in VISITS.iter().zip(&ids) {
        if let Some(substance) = visit.allergy {
            ws.dispatch(
                doctor,
                "record_allergy",
                json!({"patient_id": patient,
                       "allergy": {"substance": substance, "reaction": "rash", "severity": "moderate"}}),
            )?;
        }
        let e = ws.dispatch(doctor, "start_encounter", json!({"patient_id": patient}))?;
        let (t, pulse, sys, dia, spo2) = visit.vitals;
        ws.dispatch(
            nurse,
            "record_vitals",
            json!({"patient_id": patient, "encounter_id": id(&e), "temperature_c": t,
                   "pulse_bpm": pulse, "systolic_mmhg": sys, "diastolic_mmhg": dia,
                   "spo2_percent": spo2}),
        )?;
        ws.dispatch(
            doctor,
            "save_encounter_note",
            json!({"encounter_id": id(&e), "subjective": visit.subjective,
                   "objective": visit.objective, "assessment": visit.assessment,
                   "plan": visit.plan}),
        )?;
        for code in visit.diagnoses {
            ws.dispatch(
                doctor,
                "add_diagnosis",
                json!({"encounter_id": id(&e), "code": code}),
            )?;
        }
        if let Some(code) = visit.problem {
            ws.dispatch(
                doctor,
                "add_problem",
                json!({"patient_id": patient, "code": code}),
            )?;
        }
        let p = ws.dispatch(
            doctor,
            "create_prescription",
            json!({"patient_id": patient, "encounter_id": id(&e)}),
        )?;
        let mut draft = p;
        for m in visit.medications {
            draft = ws.dispatch(
                doctor,
                "add_prescription_item",
                json!({"prescription_id": id(&draft), "medication_id": m}),
            )?;
        }
        // The demo's one warning (an aspirin intolerance, and ibuprofen is an NSAID too):
        // overridden with a reason, as a prescriber would.
        let overrides: Vec<Value> = draft["warnings"]
            .as_array()
            .map(|ws| {
                ws.iter()
                    .map(|w| json!({"item_id": w["item_id"], "kind": w["kind"],
                                    "reason": "dyspepsia with aspirin, not an allergy; take with food"}))
                    .collect()
            })
            .unwrap_or_default();
        ws.dispatch(
            doctor,
            "sign_prescription",
            json!({"prescription_id": id(&draft), "overrides": overrides}),
        )?;
        ws.dispatch(doctor, "sign_encounter", json!({"encounter_id": id(&e)}))?;
    }
    // One consultation left open, with the nurse's vitals, for the evaluator to continue.
    if let Some(patient) = ids.get(VISITS.len()) {
        let e = ws.dispatch(doctor, "start_encounter", json!({"patient_id": patient}))?;
        ws.dispatch(
            nurse,
            "record_vitals",
            json!({"patient_id": patient, "encounter_id": id(&e), "temperature_c": "37.4",
                   "pulse_bpm": 88, "systolic_mmhg": 131, "diastolic_mmhg": 85,
                   "respiratory_rate": 18, "spo2_percent": 97}),
        )?;
        ws.dispatch(
            doctor,
            "save_encounter_note",
            json!({"encounter_id": id(&e),
                   "subjective": "Low back pain after lifting boxes three days ago; no numbness."}),
        )?;
    }
    Ok(())
}
