'use client';

import { OnboardingWizard } from '../_components/onboarding-wizard';

/** The first open, right after install: onboarding, with a welcome. */
export default function InstalledPage() {
  return <OnboardingWizard welcome />;
}
