// Doctors' availability (schedule.write): the weekly template (`get_doctor_availability` /
// `set_weekly_availability`: several blocks a day, each with a room), one-off exceptions
// (`add_availability_exception`: leave, holidays, extra hours), and the clinic's visit types
// (`list_visit_types` / `save_visit_type`, settings.manage). The slot finder, booking and the
// waiting-room display all read from here.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Card } from "../../components/Card";
import { SelectField } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { TabList, TabPanel } from "../../components/Tabs";
import { useCan } from "../auth/session";
import { doctorsQuery } from "../staff/StatusMenu";
import { ExceptionsPanel } from "./ExceptionsPanel";
import { VisitTypesPanel } from "./VisitTypesPanel";
import { WeeklyHours } from "./WeeklyHours";

type TabId = "weekly" | "exceptions" | "visitTypes";

export function AvailabilityPage() {
  const { t } = useTranslation();
  const canVisitTypes = useCan("settings.manage");
  const doctors = useQuery(doctorsQuery());
  const [tab, setTab] = useState<TabId>("weekly");
  const [chosen, setChosen] = useState<string | null>(null);
  const members = doctors.data?.members ?? [];
  const doctorId = chosen ?? members[0]?.id ?? null;
  const tabs = [
    { id: "weekly" as const, label: t("availability.tabWeekly") },
    { id: "exceptions" as const, label: t("availability.tabExceptions") },
    ...(canVisitTypes ? [{ id: "visitTypes" as const, label: t("availability.tabVisitTypes") }] : []),
  ];

  const doctorPicker = (
    <SelectField
      className="w-full max-w-sm"
      label={t("availability.doctor")}
      name="doctor_id"
      testId="availability-doctor"
      value={doctorId ?? ""}
      disabled={members.length === 0}
      onChange={(e) => {
        setChosen(e.target.value);
      }}
    >
      {members.length === 0 ? <option value="">{doctors.isPending ? t("common.loading") : t("availability.noDoctors")}</option> : null}
      {members.map((d) => (
        <option key={d.id} value={d.id}>
          {d.specialization ? t("availability.doctorOption", { name: d.full_name, specialization: d.specialization }) : d.full_name}
        </option>
      ))}
    </SelectField>
  );

  return (
    <>
      <PageHeader title={t("nav.availability")} lead={t("availability.lead")} />
      <TabList tabs={tabs} active={tab} onChange={setTab} label={t("availability.tabsLabel")} idBase="availability" />
      <div className="pt-5">
        {tab === "weekly" ? (
          <TabPanel idBase="availability" id="weekly" className="flex flex-col gap-4">
            <Card className="px-5 py-4">{doctorPicker}</Card>
            {doctorId ? <WeeklyHours key={doctorId} doctorId={doctorId} /> : null}
          </TabPanel>
        ) : null}
        {tab === "exceptions" ? (
          <TabPanel idBase="availability" id="exceptions" className="flex flex-col gap-4">
            <Card className="px-5 py-4">{doctorPicker}</Card>
            {doctorId ? <ExceptionsPanel key={doctorId} doctorId={doctorId} /> : null}
          </TabPanel>
        ) : null}
        {tab === "visitTypes" && canVisitTypes ? (
          <TabPanel idBase="availability" id="visitTypes">
            <VisitTypesPanel />
          </TabPanel>
        ) : null}
      </div>
    </>
  );
}
