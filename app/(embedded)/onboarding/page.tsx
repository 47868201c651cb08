'use client';

import { OnboardingWizard } from '../_components/onboarding-wizard';

export default function OnboardingPage() {
  return <OnboardingWizard welcome={false} />;
}
